// "Did you mean …?" for mistyped keys, names, signals and policies in a spec, and for commands,
// options, targets and unit names on the command line or the socket: one way to find the likely
// word everywhere. The distance function loads on first use: valid input never needs it.
import { createRequire } from 'node:module';

type Distance = (a: string, b: string) => number;
let distanceFn: Distance | undefined;

/** Levenshtein distance (fastest-levenshtein). */
function distance(a: string, b: string): number {
  distanceFn ??= (createRequire(import.meta.url)('fastest-levenshtein') as { distance: Distance }).distance;
  return distanceFn(a, b);
}

/** The candidate closest to `word`, when it is close enough to be a likely typo. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const other = c.toLowerCase();
    // Same letters in another order (a transposition, `SIGTREM`) beats an equally distant stranger.
    const d = other === lower ? 0.5 : distance(lower, other) - (sameLetters(lower, other) ? 0.5 : 0);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestDist <= limit ? best : undefined;
}

/** `; did you mean `x`?` when there is a likely candidate, else the empty string. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const best = suggest(word, candidates);
  return best === undefined ? '' : `; did you mean \`${best}\`?`;
}

/** True when two words are made of the same letters. */
function sameLetters(a: string, b: string): boolean {
  return a.length === b.length && [...a].sort().join('') === [...b].sort().join('');
}
