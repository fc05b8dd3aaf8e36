// Probe failures put into words without the target: Node's own messages name hosts, resolved
// addresses and sometimes whole URLs, which may hold secrets.

/** The system call and error code of a failure (`connect ECONNREFUSED`), or `request failed`. */
export function errorText(err: unknown): string {
  const e = typeof err === 'object' && err !== null ? (err as { code?: unknown; syscall?: unknown }) : {};
  const code = typeof e.code === 'string' ? e.code : undefined;
  const syscall = typeof e.syscall === 'string' ? e.syscall : undefined;
  if (code !== undefined) return syscall !== undefined ? `${syscall} ${code}` : code;
  return 'request failed';
}
