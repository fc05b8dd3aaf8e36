// The bounds the loader holds every spec to, so that no input can make procs run out of memory or
// time, overflow a timer, or derive a file name the filesystem refuses. Each is checked where the
// value is read and reported, positioned, like any other problem of the spec.
import { MAX_DURATION_MS, MAX_DURATION_TEXT, parseDuration } from './durations.js';
import type { Diagnostics } from './diagnostics.js';
import { SECTIONS } from './checks.js';
import { describePath, locate, type LNode, type PathSeg } from './tree.js';

/**
 * The longest unit or watch-rule name. 63 is a DNS label's limit (names become service and object
 * names in `procs export`); the longest file derived from a name, `.procs/logs/NAME.1023.log.1000`,
 * is then 77 bytes, far below the 255 a file name may have.
 */
export const MAX_NAME_LENGTH = 63;

/** The largest value interpolation may produce (an env value, a command, a URL…). */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** Everything interpolation produces for one spec (every unit, every pool instance). */
export const MAX_EXPANDED_BYTES = 64 * 1024 * 1024;
/** The largest spec file read. */
export const MAX_SPEC_BYTES = 4 * 1024 * 1024;
/** The largest env file read (`.env`, `env_file`). */
export const MAX_ENV_FILE_BYTES = 1024 * 1024;

/** A byte count as the messages give it: `1 MiB`, `64 MiB`, `512 KiB`. */
export function sizeText(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** True when `text` takes more than `max` bytes in UTF-8. */
export function tooLarge(text: string, max: number): boolean {
  return text.length > max || (text.length * 3 > max && Buffer.byteLength(text) > max);
}

/** What is left of the interpolation budget of one load; shared by every value. */
export interface ExpansionBudget {
  left: number;
  /** Set once the budget ran out (and was reported): later values are not expanded. */
  spent: boolean;
}

/** A fresh budget for one load. */
export function expansionBudget(): ExpansionBudget {
  return { left: MAX_EXPANDED_BYTES, spent: false };
}

/** Where durations are written in a unit (processes, pools, pipelines). */
export const UNIT_DURATIONS: readonly (readonly string[])[] = [
  ...['readiness', 'liveness'].flatMap((p) => ['interval', 'timeout', 'initial_delay'].map((k) => ['health', p, k])),
  ['restart', 'backoff', 'initial'],
  ['restart', 'backoff', 'max'],
  ['restart', 'reset_after'],
  ['stop', 'timeout'],
  ['watchdog'],
  ...['post_start', 'pre_stop', 'on_failure'].map((h) => ['hooks', h, 'timeout']),
  ['schedule', 'every'],
];
/** Where durations are written in a watch rule. */
export const WATCH_DURATIONS: readonly (readonly string[])[] = [['debounce']];

/** Reports every duration of the spec longer than MAX_DURATION_MS, at its value. */
export function checkDurations(root: LNode, diags: Diagnostics): void {
  for (const section of SECTIONS) {
    const units = locate(root, [section]).node;
    if (units?.kind !== 'map') continue;
    for (const name of units.entries.keys()) {
      for (const rel of section === 'watch' ? WATCH_DURATIONS : UNIT_DURATIONS) {
        const where: PathSeg[] = [section, name, ...rel];
        const node = locate(root, where).node;
        if (node?.kind !== 'scalar' || (typeof node.value !== 'string' && typeof node.value !== 'number')) continue;
        const ms = parseDuration(node.value);
        if (ms !== undefined && ms > MAX_DURATION_MS) {
          diags.error(node.pos, `${describePath(where)} is too long: durations are at most ${MAX_DURATION_TEXT}, got ${String(node.value)}`);
        }
      }
    }
  }
}
