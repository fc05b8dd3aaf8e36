// `procs top`: the `ps` table with each unit's CPU and memory, again every interval until
// Ctrl-C. Plain text: on a terminal each frame is drawn over the last one (the cursor moves up
// over the lines it wrote; no alternate screen), elsewhere the frames follow one another,
// separated by a blank line. It ends on its own, successfully, when the project goes away.
import type { Writable } from 'node:stream';
import { ControlError, type ProjectStatus, type UsageResult } from '../control/api.js';
import { SecondClock } from '../output/format.js';
import { printable } from '../base/printable.js';
import { usageOf } from './command.js';
import { EXIT } from './exit-codes.js';
import { clientFor } from './locate.js';
import { psTable } from './ps-format.js';

export interface TopOptions {
  /** `-f` files: where the project is. */
  readonly files: readonly string[];
  /** Time between frames. */
  readonly intervalMs: number;
}

/** Where frames go: a terminal (redrawn in place, cut to its size) or not. */
export interface TopOutput {
  readonly out: Writable;
  readonly err: Writable;
  /** The terminal's size, or undefined when the output is not a terminal. */
  size(): { readonly columns: number; readonly rows: number } | undefined;
  /** Aborted on Ctrl-C or SIGTERM. */
  readonly stop: AbortSignal;
}

/** Shows frames until `stop` or the project goes away; fails as `ps` does when no project runs. */
export async function top(o: TopOptions, t: TopOutput): Promise<number> {
  const { client } = clientFor(o.files);
  let shown = 0;
  for (let frame = 0; !t.stop.aborted; frame++) {
    let answer: [ProjectStatus, UsageResult | undefined] | undefined;
    try {
      answer = await untilAborted(Promise.all([client.status(), usageOf(client)]), t.stop);
    } catch (err) {
      if (frame === 0 || !(err instanceof ControlError) || !gone(err)) throw err;
      t.err.write(`procs top: the project in ${printable(client.root)} is no longer running\n`);
      return EXIT.ok;
    }
    if (answer === undefined) break;
    const size = t.size();
    const lines = frameLines(answer[0], answer[1], o.intervalMs, size);
    if (size === undefined) t.out.write(`${frame > 0 ? '\n' : ''}${lines.join('\n')}\n`);
    else t.out.write(`${shown > 0 ? `\r\x1b[${shown}A\x1b[J` : ''}${lines.join('\n')}\n`);
    shown = lines.length;
    await sleep(o.intervalMs, t.stop);
  }
  return EXIT.ok;
}

/** A frame: a heading line, then the table; on a terminal, cut to its width and height. */
export function frameLines(status: ProjectStatus, usage: UsageResult | undefined, intervalMs: number, size?: { columns: number; rows: number }): string[] {
  const every = intervalMs % 1000 === 0 ? `${intervalMs / 1000}s` : `${intervalMs}ms`;
  const head = `${printable(status.project)}  ${new SecondClock().now()}  every ${every}${size ? ', Ctrl-C to stop' : ''}`;
  const table = status.units.length === 0 ? ['no units'] : psTable(status.units, Date.now(), usage).split('\n');
  let lines = [head, ...table];
  if (size === undefined) return lines;
  // Room for every line, so that the next frame can move back up over all of it.
  const room = Math.max(3, size.rows - 1);
  if (lines.length > room) lines = [...lines.slice(0, room - 2), `… ${lines.length - room + 1} more lines (procs ps shows them all)`, lines.at(-1) ?? ''];
  return lines.map((l) => (l.length > size.columns ? l.slice(0, size.columns) : l));
}

/** Whether a failed request means the project has gone away (or is going). */
function gone(err: ControlError): boolean {
  return err.code === 'not-running' || err.code === 'stopping' || err.code === 'internal';
}

/** `p`'s value, or undefined once `stop` is aborted first. */
function untilAborted<T>(p: Promise<T>, stop: AbortSignal): Promise<T | undefined> {
  if (stop.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    stop.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        stop.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        stop.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** Waits `ms`, or less when `stop` is aborted. */
function sleep(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
