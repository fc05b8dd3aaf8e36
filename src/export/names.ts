// Names and durations in the forms other engines accept: DNS-1123 labels, systemd unit names,
// whole seconds, and duration strings.

/** A DNS-1123 label (Kubernetes object names): lowercase alphanumerics and `-`, at most 63. */
export function dnsLabel(name: string, fallback = 'procs'): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return label || fallback;
}

/** A Kubernetes label value: alphanumerics, `-`, `_`, `.` inside, alphanumeric ends, at most 63. */
export function labelValue(value: string): string {
  return (
    value
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'procs'
  );
}

/** A systemd unit name part: letters, digits and `:_.-` (others become `-`). */
export function systemdName(name: string): string {
  return name.replace(/[^A-Za-z0-9:_.-]+/g, '-') || 'procs';
}

/** A compose project name: lowercase alphanumerics, `-` and `_`, starting with a letter or digit. */
export function composeProjectName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^[^a-z0-9]+/, '') || 'procs'
  );
}

/** Maps each name through `clean`, then makes the results unique with `-2`, `-3`… in order. */
export function uniqueNames(names: readonly string[], clean: (name: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  for (const name of names) {
    const base = clean(name);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}-${n}`;
    taken.add(candidate);
    out.set(name, candidate);
  }
  return out;
}

/** Milliseconds as whole seconds, rounded up, at least `min`. */
export function ceilSeconds(ms: number, min = 1): number {
  return Math.max(min, Math.ceil(ms / 1000));
}

/** Milliseconds as a duration string both compose and systemd read: `10s`, `1m30s` is `90s`, `250ms`. */
export function durationText(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
