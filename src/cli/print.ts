// The one-line answers of quick commands (`--version`, `validate`) go straight to fd 1:
// process.stdout is created on first use and loads Node's stream modules, a few milliseconds
// that such a command would otherwise spend on one line.
import { writeSync } from 'node:fs';

/**
 * Writes `text` to stdout, falling back to process.stdout when fd 1 would block. False when it
 * could not be written (said once on stderr); a reader that went away (EPIPE) is not an error.
 */
export function printQuick(text: string): boolean {
  const buf = Buffer.from(text);
  let done = 0;
  try {
    while (done < buf.length) done += writeSync(1, buf, done);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') {
      process.stdout.write(buf.subarray(done));
      return true;
    }
    if (code === 'EPIPE') return true;
    try {
      writeSync(2, `procs: cannot write to stdout (${code ?? String(err)})\n`);
    } catch {
      // stderr is gone too: the exit code says it
    }
    return false;
  }
}
