// Each unit's output on disk: `.procs/logs/<unit>.log`, rotated by size to `<unit>.log.1` …
// `<unit>.log.N`. One line per output line:
//
//   2025-05-01T10:04:31.123Z out listening on :3000
//   2025-05-01T10:04:31.125Z err warning: cache is cold
//   2025-05-01T10:04:31.130Z err:2 grep: log/app.log: No such file    (pipeline step 2)
//
// UTC time with milliseconds (so `procs logs` can merge units in order and show local time),
// the stream (`out`, `err`, or `err:N` for pipeline step N counted from 1), one space, the
// text as the unit wrote it, colours kept, but as a terminal shows it: "\r", cursor moves and
// screen changes played out on the line (see proc/terminal-lines.ts). A hook's lines (unit
// `api:post_start`) go into the unit's file, each text after `[post_start] `. Files are created on a unit's first line; a disk problem is
// reported once and never reaches the terminal path. A symlink or FIFO found in a log's place is
// replaced by a new file (and reported once), never followed or blocked on.

import type { LogSpec } from '../config/spec.js';
import { AppendFile } from '../events/append-file.js';
import type { OutputBatch } from '../events/types.js';
import { isEmptyBatch } from '../events/batch.js';
import type { OutputSink } from '../events/sink.js';
import { DrainGroup } from '../base/drain.js';
import { displayText } from '../proc/terminal-display.js';

import { plainBytes, prefixLines } from './line-bytes.js';
import type { PooledBytes } from './byte-pool.js';
import { unitLogPath } from './log-read.js';

export { readLogTail, parseLogLine, type LogLine } from './log-read.js';

export interface UnitLogOptions {
  /** Rotation limits per unit (the spec's `log:`); units without any use `DEFAULT_LOG`. */
  readonly limits?: (unit: string) => LogSpec | undefined;
  /** Told once about the first disk problem of any unit's log. */
  readonly onError?: (error: Error, unit: string) => void;
  /** Wall-clock milliseconds (tests pass a fixed clock). */
  readonly now?: () => number;
}

const DEFAULT_LOG: LogSpec = { maxSizeBytes: 10 * 1024 * 1024, keep: 3 };

export class UnitLogSink implements OutputSink {
  readonly dir: string;
  readonly #opts: UnitLogOptions;
  readonly #files = new Map<string, AppendFile>();
  readonly #group = new DrainGroup();
  #reported = false;

  /** `dir` is the logs folder, `.procs/logs`; it is created (mode 0700) on the first line. */
  constructor(dir: string, options: UnitLogOptions = {}) {
    this.dir = dir;
    this.#opts = options;
  }

  /** Queues the batch for the unit's file; false while that file's queue is full. */
  write(batch: OutputBatch): boolean {
    const colon = batch.unit.indexOf(':');
    const own =
      colon < 0 ? batch : { unit: batch.unit.slice(0, colon), stream: batch.stream, text: hookText(batch.unit.slice(colon + 1), batch.text), ...at(batch) };
    const empty = isEmptyBatch(own);
    const bytes = empty ? undefined : this.renderBytes(own);
    const lines = bytes?.bytes ?? (empty ? '' : this.render(own));
    if (lines.length === 0) return true;
    const file = this.#fileOf(own.unit);
    const accepted = file.append(lines, bytes?.release);
    this.#group.note(file, accepted);
    return accepted;
  }

  /** Calls `fn` once every unit file that was full has room again. */
  onceDrain(fn: () => void): void {
    this.#group.onceDrain(fn);
  }

  /** The batch as log file lines, from the unit's bytes, when they are plain lines; else undefined. */
  renderBytes(batch: OutputBatch): PooledBytes | undefined {
    const bytes = plainBytes(batch);
    return bytes === undefined ? undefined : prefixLines(bytes, Buffer.from(this.#prefixOf(batch), 'latin1'));
  }

  /** The batch as log file lines. */
  render(batch: OutputBatch): string {
    const prefix = this.#prefixOf(batch);
    const text = displayText(batch.text, true);
    if (text.length === 0) return '';
    const last = text.length - 1;
    if (text.charCodeAt(last) !== 10) return prefix + text.replaceAll('\n', '\n' + prefix) + '\n';
    return prefix + text.slice(0, last).replaceAll('\n', '\n' + prefix) + '\n';
  }

  /** Resolves once every unit's file holds the lines given to `write` before the call. */
  async flushed(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.flushed()));
  }

  /** Writes everything queued and closes every file. */
  async close(): Promise<void> {
    await Promise.all([...this.#files.values()].map((f) => f.close()));
  }

  /** The time and stream before each of the batch's lines (ASCII only). */
  #prefixOf(batch: OutputBatch): string {
    const stream = batch.stream === 'stdout' ? 'out' : batch.step === undefined ? 'err' : `err:${batch.step + 1}`;
    return `${new Date(batch.at ?? (this.#opts.now ?? Date.now)()).toISOString()} ${stream} `;
  }

  /** The unit's file writer, made on its first line. */
  #fileOf(unit: string): AppendFile {
    let file = this.#files.get(unit);
    if (file) return file;
    const limits = this.#opts.limits?.(unit) ?? DEFAULT_LOG;
    file = new AppendFile(unitLogPath(this.dir, unit), {
      rotation: { maxBytes: limits.maxSizeBytes, keep: limits.keep },
      onError: (error) => this.#report(error, unit),
      dirMode: 0o700,
      fileMode: 0o600,
      replaceOdd: true,
    });
    this.#files.set(unit, file);
    return file;
  }

  /** Passes the first disk problem on; the rest stay quiet. */
  #report(error: Error, unit: string): void {
    if (this.#reported) return;
    this.#reported = true;
    this.#opts.onError?.(error, unit);
  }
}

/** The batch's time and step, when it has them (a hook's batch keeps them, not its bytes). */
function at(batch: OutputBatch): { at?: number; step?: number } {
  return { ...(batch.at === undefined ? {} : { at: batch.at }), ...(batch.step === undefined ? {} : { step: batch.step }) };
}

/** A hook's lines as the unit's log keeps them: each after `[HOOK] `. */
export function hookText(hook: string, text: string): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  return body.length === 0
    ? text
    : `${body
        .split('\n')
        .map((line) => `[${hook}] ${line}`)
        .join('\n')}\n`;
}
