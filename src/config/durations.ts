// Durations, sizes and signal names as the spec writes them, turned into numbers and canonical names.

const DURATION_PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;
const DURATION = /^(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h))+$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration procs takes: 24 days. Node's timers hold at most 2^31-1 ms (24.8 days); a
 * longer delay fires after 1 ms, so a probe interval of `1000h` would probe without pause.
 */
export const MAX_DURATION_MS = 24 * 24 * 3_600_000;
export const MAX_DURATION_TEXT = '24 days (576h)';

/** Milliseconds of `150ms`, `2s`, `1m30s`, `1h`, or a number of seconds; undefined when malformed. */
export function parseDuration(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v * 1000) : undefined;
  if (!DURATION.test(v)) return undefined;
  let ms = 0;
  for (const m of v.matchAll(DURATION_PART)) ms += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
  return Math.round(ms);
}

/**
 * A duration given on the command line (`10s`, `1m30s`, or a number of seconds) in milliseconds;
 * undefined when malformed or longer than MAX_DURATION_MS.
 */
export function parseDurationArg(v: string): number | undefined {
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  return ms !== undefined && ms <= MAX_DURATION_MS ? ms : undefined;
}

const SIZE = /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB)$/;
const UNIT_BYTES: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Bytes of `512KB`, `10MB`, `1GB` (KB = 1024), or a number of bytes; undefined when malformed. */
export function parseSize(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = SIZE.exec(v);
  return m ? Math.round(Number(m[1]) * (UNIT_BYTES[m[2]!] ?? 0)) : undefined;
}

/** The signal names the spec accepts, in their `SIG` form (the schema lists the same). */
const SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP',
  'SIGINT',
  'SIGQUIT',
  'SIGILL',
  'SIGTRAP',
  'SIGABRT',
  'SIGBUS',
  'SIGFPE',
  'SIGKILL',
  'SIGUSR1',
  'SIGSEGV',
  'SIGUSR2',
  'SIGPIPE',
  'SIGALRM',
  'SIGTERM',
  'SIGCHLD',
  'SIGCONT',
  'SIGSTOP',
  'SIGTSTP',
  'SIGTTIN',
  'SIGTTOU',
  'SIGURG',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGVTALRM',
  'SIGPROF',
  'SIGWINCH',
  'SIGIO',
  'SIGPWR',
  'SIGSYS',
];

/** `TERM` or `SIGTERM` → `SIGTERM`; undefined for a name that is not a known signal. */
export function normalizeSignal(name: string): NodeJS.Signals | undefined {
  const full = name.startsWith('SIG') ? name : `SIG${name}`;
  return SIGNALS.find((s) => s === full);
}
