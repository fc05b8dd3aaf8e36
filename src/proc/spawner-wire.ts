// The spawner's wire (native/spawner.c): the requests procs writes blocking, the reply lines it
// reads (through the event loop, or blocking when it needs one now), and the values they carry.
// spawner.ts holds the conversation.
import { readSync, writeSync } from 'node:fs';
import { constants } from 'node:os';

/** How a child started by the spawner ended. */
export interface SpawnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the child could not exec (it then exited 127 or 126): the errno, like `ENOENT`. */
  readonly errno?: string;
}

/** What a spawn request gives: the pid and its coming exit, or the errno that stopped it. */
export type SpawnResult = { readonly pid: number; readonly exited: Promise<SpawnerExit> } | { readonly errno: string };

export interface SpawnRequest {
  readonly file: string;
  readonly argv0: string;
  readonly cwd: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * The child's fd 1, 2, 3…: paths of FIFOs it opens for writing (procs holds their read ends),
   * or `<PATH`, a FIFO it opens for reading (procs holds its write end), or `=ID`, a listening
   * socket the spawner holds (the child then gets LISTEN_PID).
   */
  readonly outputs: readonly string[];
  /** The FIFO the child's stdin reads (procs holds its write end); /dev/null without. */
  readonly stdin?: string;
}

/** Errno names by number (the first name of each), a constant table of this machine. */
const ERRNO_NAMES: ReadonlyMap<number, string> = (() => {
  const names = new Map<number, string>();
  for (const [name, num] of Object.entries(constants.errno)) if (!names.has(num)) names.set(num, name);
  return names;
})();

/** The name of an errno number, like `ENOENT`. */
export const errnoName = (num: number): string => ERRNO_NAMES.get(num) ?? `errno ${num}`;

/** A spawn request as the spawner reads it: `S LENGTH\n` then NUL-terminated fields. */
export function spawnRequest(req: SpawnRequest): Buffer {
  const env = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
  const parts = [
    req.file,
    req.argv0,
    req.cwd,
    String(req.args.length),
    ...req.args,
    String(env.length),
    ...env,
    req.stdin ?? '',
    String(req.outputs.length),
    ...req.outputs,
  ];
  const body = `${parts.join('\0')}\0`;
  return Buffer.from(`S ${Buffer.byteLength(body)}\n${body}`, 'utf8');
}

/** A bind request: `B LENGTH\n` then the id, host, port and backlog, NUL-terminated. */
export function bindRequest(id: string, host: string, port: number, backlog: number): Buffer {
  const body = `${[id, host, String(port), String(backlog)].join('\0')}\0`;
  return Buffer.from(`B ${Buffer.byteLength(body)}\n${body}`, 'utf8');
}

/** Writes a request whole to a blocking fd; false when the spawner is gone. */
export function sendAll(fd: number, data: Buffer | string): boolean {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINTR' || code === 'EAGAIN') continue;
      return false;
    }
  }
  return true;
}

/**
 * Reply lines from one pipe, read two ways: blocking from `fd` when procs needs an answer now,
 * and as the event loop delivers them (`feed`, from another read end of the same FIFO). Whatever
 * either read past the last whole line is kept for the next.
 */
export class ReplyReader {
  readonly #fd: number;
  readonly #buf = Buffer.alloc(4096);
  /** Answer text read past the last whole line. */
  #rest = '';

  constructor(fd: number) {
    this.#fd = fd;
  }

  /** Adds text read through the event loop. */
  feed(text: string): void {
    this.#rest += text;
  }

  /** The next whole line already read, without reading more; undefined when there is none. */
  buffered(): string | undefined {
    const nl = this.#rest.indexOf('\n');
    if (nl < 0) return undefined;
    const line = this.#rest.slice(0, nl);
    this.#rest = this.#rest.slice(nl + 1);
    return line;
  }

  /** One reply line, read blocking; undefined when the spawner is gone. */
  line(): string | undefined {
    for (;;) {
      const line = this.buffered();
      if (line !== undefined) return line;
      if (!this.#readMore()) return undefined;
    }
  }

  /**
   * The reply after the next `skip` lines, read blocking; those lines stay for `buffered` (answers
   * to spawns asked before, handed on later). Undefined when the spawner is gone.
   */
  after(skip: number): string | undefined {
    for (;;) {
      let at = 0;
      for (let i = 0; i < skip && at >= 0; i++) {
        const nl = this.#rest.indexOf('\n', at);
        at = nl < 0 ? -1 : nl + 1;
      }
      const nl = at < 0 ? -1 : this.#rest.indexOf('\n', at);
      if (nl >= 0) {
        const line = this.#rest.slice(at, nl);
        this.#rest = this.#rest.slice(0, at) + this.#rest.slice(nl + 1);
        return line;
      }
      if (!this.#readMore()) return undefined;
    }
  }

  // Reads what the pipe has, blocking until it has something; false when the spawner is gone.
  #readMore(): boolean {
    for (;;) {
      let n: number;
      try {
        n = readSync(this.#fd, this.#buf, 0, this.#buf.length, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EINTR' || code === 'EAGAIN') continue;
        return false;
      }
      if (n === 0) return false;
      this.#rest += this.#buf.toString('latin1', 0, n);
      return true;
    }
  }
}
