// Ready markers: children append a short line to a FIFO; the harness reads it (held open
// read-write, so it never sees end-of-file between writers) and notes when each line arrived.
import { spawnSync } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { Socket } from 'node:net';

export class Markers {
  readonly path: string;
  /** Arrival time (performance.now()) of every marker line, in order. */
  readonly times: number[] = [];
  readonly #socket: Socket;
  #waiters: { count: number; resolve: (t: number | undefined) => void; timer: NodeJS.Timeout }[] = [];

  constructor(path: string) {
    this.path = path;
    const made = spawnSync('mkfifo', ['-m', '600', path]);
    if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${String(made.stderr)}`);
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    this.#socket = new Socket({ fd, readable: true, writable: false });
    this.#socket.on('data', (chunk: Buffer) => this.#take(chunk));
    this.#socket.on('error', () => undefined);
  }

  get count(): number {
    return this.times.length;
  }

  // Counts the newlines of a chunk as markers, all arriving now.
  #take(chunk: Buffer): void {
    const now = performance.now();
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) this.times.push(now);
    this.#waiters = this.#waiters.filter((w) => {
      if (this.times.length < w.count) return true;
      clearTimeout(w.timer);
      w.resolve(this.times[w.count - 1]);
      return false;
    });
  }

  /** The arrival time of the `count`-th marker, or undefined if it has not come within `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<number | undefined> {
    if (this.times.length >= count) return Promise.resolve(this.times[count - 1]);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.timer !== timer);
        resolve(undefined);
      }, timeoutMs);
      this.#waiters.push({ count, resolve, timer });
    });
  }

  close(): void {
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.#waiters = [];
    this.#socket.destroy();
  }
}
