// Giving memory back once a start has settled. Starting units allocates fast (specs, streams,
// output), V8 grows its young generation to match and keeps it, and a procs that then idles for
// hours holds it all. A second after the last start (at most once a minute), procs asks V8 for
// one collection that reduces its footprint: the young generation shrinks back and unused code is
// flushed. With 100 idle units that is about 8 MB of 80.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const SETTLE_MS = 1000;
const MIN_GAP_MS = 60_000;

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

let collect: Collect | undefined | null;
let timer: NodeJS.Timeout | undefined;
let last = -Infinity;

// V8's `gc`, exposed to a fresh context only (never to procs' own global).
function collector(): Collect | undefined {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as Collect;
    } catch {
      collect = null;
    }
  }
  return collect ?? undefined;
}

/** A unit has just started: collect once things have been quiet for a second. */
export function trimSoon(): void {
  if (timer !== undefined) timer.refresh();
  else {
    timer = setTimeout(trim, SETTLE_MS);
    timer.unref();
  }
}

/** Collects now (or as soon as a minute has passed since the last time). */
export function trim(): void {
  timer = undefined;
  const now = performance.now();
  if (now - last < MIN_GAP_MS) {
    timer = setTimeout(trim, MIN_GAP_MS - (now - last));
    timer.unref();
    return;
  }
  last = now;
  collector()?.({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
