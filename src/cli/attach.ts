// `procs attach UNIT`: see app/attach.ts. Here: the process's own terminal — raw mode, window
// size and resizes — and the promise that the terminal is given back as it was, also when the
// attach fails or a signal ends it.
import { attachUnit } from '../app/attach.js';
import { UsageError } from '../app/usage-error.js';
import type { ParsedArgs } from './args.js';
import { listFlag } from './options.js';

/** Runs `procs attach UNIT`. */
export async function attach(args: ParsedArgs): Promise<number> {
  const [unit, ...more] = args.positionals;
  if (unit === undefined) throw new UsageError('attach needs the unit: procs attach UNIT (procs ps lists them)');
  if (more.length > 0) throw new UsageError('attach takes one unit at a time: procs attach UNIT');
  const stdin = process.stdin;
  const restore = (): void => {
    if (stdin.isTTY && stdin.isRaw) stdin.setRawMode(false);
  };
  process.once('exit', restore);
  try {
    return await attachUnit(
      { files: listFlag(args, 'file'), unit, noStdin: args.flags['no-stdin'] === true },
      {
        out: process.stdout,
        err: process.stderr,
        input: stdin,
        inputIsTerminal: stdin.isTTY,
        setRaw: (on) => void stdin.setRawMode(on),
        size: () => (process.stdout.isTTY && process.stdout.columns > 0 ? { cols: process.stdout.columns, rows: process.stdout.rows } : undefined),
        onResize: (fn) => {
          process.stdout.on('resize', fn);
          return () => void process.stdout.off('resize', fn);
        },
        signals: process,
      },
    );
  } finally {
    restore();
    process.off('exit', restore);
    stdin.destroy();
  }
}
