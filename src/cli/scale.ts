// `procs scale POOL=N…`: change pool sizes of the running project. Every argument is checked
// before anything is asked: a malformed one changes nothing.
import { scalePools } from '../app/command.js';
import { EXIT } from '../app/exit-codes.js';
import { UsageError } from '../app/usage-error.js';
import { MAX_REPLICAS } from '../config/checks.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

/** `worker=4 web=2` → { worker: 4, web: 2 }; throws UsageError on anything else. */
export function parseScaleArgs(words: readonly string[]): Record<string, number> {
  if (words.length === 0) throw new UsageError('name the pools and their sizes: procs scale POOL=N…');
  const out: Record<string, number> = {};
  for (const word of words) {
    const m = /^([a-z0-9][a-z0-9_-]*)=(.*)$/.exec(word);
    const n = m?.[2] !== undefined && /^\d+$/.test(m[2]) ? Number(m[2]) : NaN;
    if (!m?.[1] || !Number.isInteger(n) || n > MAX_REPLICAS) {
      throw new UsageError(`expected POOL=N with N a whole number from 0 to ${MAX_REPLICAS}, got '${word}'`);
    }
    out[m[1]] = n;
  }
  return out;
}

/** Runs `procs scale`. */
export async function scale(args: ParsedArgs): Promise<number> {
  const pools = parseScaleArgs(args.positionals);
  const actions = await scalePools(listFlag(args, 'file'), pools);
  const sizes = Object.entries(pools)
    .map(([name, n]) => `${name}=${n}`)
    .join(' ');
  process.stdout.write(`scaled ${sizes}: ${actions.length > 0 ? actions.join(', ') : 'nothing to change'}\n`);
  return EXIT.ok;
}
