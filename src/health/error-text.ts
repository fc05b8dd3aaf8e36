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

/**
 * Where a network failure happened as Node names it (`127.0.0.1:3000`, or the host name a lookup
 * failed for), when `hostShown`: the probe's target, as shown, has its host and port in plain
 * text. A host or port taken from a variable is masked in the target, and its resolved address
 * would give it away: then there is no place.
 */
export function errorPlace(err: unknown, hostShown: boolean): string | undefined {
  if (!hostShown || typeof err !== 'object' || err === null) return undefined;
  const e = err as { address?: unknown; port?: unknown; hostname?: unknown };
  if (typeof e.address === 'string') return typeof e.port === 'number' ? `${e.address}:${e.port}` : e.address;
  return typeof e.hostname === 'string' ? e.hostname : undefined;
}
