// procs' own memory once a burst of work is over. Starting units allocates fast (the spec, the
// spawns, the first output), and V8 answers by growing its young generation to 16 MB, which it
// keeps for good: an idle procs held twice the heap it uses (V8's own memory reducer does not run
// on a heap this small). So once the events have been quiet for a moment, one garbage collection
// that gives memory back runs. The young generation is not held small while units start: output
// in that burst then paid a young collection every megabyte (the output benchmark ran 10 % slower).
// Heavy output puts the trim off until it calms down, for the same reason.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { realClock, type Clock, type TimerHandle } from '../base/clock.js';

/**
 * How long the events stay quiet before the heap is trimmed: soon after the units are up, so that
 * the trim (about 40 ms of CPU, and V8's own follow-up of about 10 ms some 8 s later) is done early.
 */
export const QUIET_MS = 250;
/** The least time between two trims: a unit in a crash loop does not make procs collect all the time. */
export const MIN_GAP_MS = 30_000;
/**
 * Output at least this heavy within the quiet time puts the trim off again: a collection in the
 * middle of a flood of output (which is no event) stalls it for tens of milliseconds. A unit's
 * light chatter does not.
 */
export const BUSY_OUTPUT_BYTES = 64 * 1024;

/** V8's `gc()` with its options, as `--expose-gc` gives it to a new context. */
type ExposedGc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * Collects all the garbage V8 can and gives memory back: the young generation shrinks to its
 * least, empty pages are returned. It runs the collection V8 runs under memory pressure.
 */
export function reduceHeap(): void {
  // `gc` exists only in a context made while --expose-gc is on; the flag is turned off again at once.
  setFlagsFromString('--expose-gc');
  let gc: ExposedGc;
  try {
    gc = runInNewContext('gc') as ExposedGc;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  // The bytecode (and baseline code) of every function not running goes too, whatever its age:
  // V8 would flush it only after several collections, which an idle procs does not have, so the
  // code of the startup (reading the spec, starting units) stayed (1 MB of bytecode, 1.4 MiB RSS
  // with 100 units). A function called again is compiled again from its source, once.
  setFlagsFromString('--stress-flush-code --flush-baseline-code');
  try {
    // V8's own memory reducer answers this collection with one or two more about 8 s later (~50 ms
    // of CPU, once); --no-memory-reducer set at run time does not stop them.
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  } finally {
    setFlagsFromString('--no-stress-flush-code --no-flush-baseline-code');
  }
}

/**
 * V8's own counts of calls before it optimises a function with Maglev and with TurboFan (the same
 * in Node 22 and 24). cli/main.ts sets ten times these for `up`, `run` and the daemon, so that
 * starting units does not page in TurboFan and leave the compilers' memory behind.
 */
const USUAL_TIERING = '--invocation-count-for-maglev=400 --invocation-count-for-turbofan=3000';
/** Unit output past this many bytes puts V8's usual counts back (optimiseOnHeavyOutput). */
export const HEAVY_OUTPUT_BYTES = 1024 * 1024;

/**
 * Counts unit output and, once it is heavy, has V8 optimise at its usual counts again: the output
 * path's functions run once per batch, a few hundred times a second, and at ten times the count
 * a flood of output ran 8 % more CPU and 17 % longer. Light chatter leaves the later counts on.
 */
export function optimiseOnHeavyOutput(usual: () => void = () => setFlagsFromString(USUAL_TIERING)): (bytes: number) => void {
  let seen = 0;
  return (bytes) => {
    if (seen >= HEAVY_OUTPUT_BYTES) return;
    seen += bytes;
    if (seen >= HEAVY_OUTPUT_BYTES) usual();
  };
}

export interface TrimOptions {
  readonly clock?: Clock;
  /** What a trim does: `reduceHeap`. */
  readonly trim?: () => void;
  readonly quietMs?: number;
  readonly minGapMs?: number;
}

export interface HeapTrimmer {
  /** Something happened (an event): the trim waits for the quiet after it. */
  readonly activity: () => void;
  /** Units wrote this many bytes of output: heavy output puts the trim off (BUSY_OUTPUT_BYTES). */
  readonly output: (bytes: number) => void;
  /** No trim from now on. */
  close(): void;
}

// Real timers that do not keep procs alive by themselves.
const unrefClock: Clock = {
  ...realClock,
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

/**
 * Trims the heap once activity has been quiet for `quietMs`, at most once per `minGapMs`. The
 * first trim waits for the first activity.
 */
export function trimWhenQuiet(o: TrimOptions = {}): HeapTrimmer {
  const clock = o.clock ?? unrefClock;
  const trim = o.trim ?? reduceHeap;
  const quietMs = o.quietMs ?? QUIET_MS;
  const minGapMs = o.minGapMs ?? MIN_GAP_MS;
  let last = -Infinity;
  let lastTrim = -Infinity;
  let timer: TimerHandle | undefined;
  let closed = false;
  let output = 0;

  const check = (): void => {
    timer = undefined;
    if (closed) return;
    const now = clock.now();
    const due = Math.max(last + quietMs, lastTrim + minGapMs);
    const busy = output >= BUSY_OUTPUT_BYTES;
    output = 0;
    if (now < due || busy) {
      timer = clock.setTimer(busy ? quietMs : due - now, check);
      return;
    }
    lastTrim = now;
    trim();
  };
  return {
    activity: () => {
      if (closed) return;
      last = clock.now();
      // One timer at a time: an event only moves the time the running timer checks against.
      timer ??= clock.setTimer(quietMs, check);
    },
    output: (bytes) => {
      output += bytes;
    },
    close() {
      closed = true;
      timer?.cancel();
      timer = undefined;
    },
  };
}
