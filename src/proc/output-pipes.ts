// The pipes a unit writes its output into, made by procs before the spawn. Node's own child pipes
// are socketpairs whose child end procs never sees: by the time procs could look at the child's
// fds, a quick child may have exited and passed them on to a descendant that left its session.
// A pipe's two ends are one inode, so holding the read end, procs knows for the whole run which
// pipe to look for in /proc/PID/fd (holders.ts). Node has no pipe(2), so they are FIFOs: made a
// batch at a time by mkfifo in a private folder (on tmpfs when /dev/shm is there), each opened
// (read end, then write end) and unlinked at once when taken. The folder goes once empty and
// when procs exits; one left by a procs killed outright is removed by the next procs.
import { accessSync, closeSync, constants as fsc, mkdtempSync, openSync, readdirSync, readlinkSync, realpathSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFifos } from './fifo.js';
import { pidExists } from './procfs.js';

/** One pipe for a child's output: procs reads `read`, the child gets `write`. */
export interface OutputPipe {
  readonly read: number;
  readonly write: number;
  /** The read end as /proc names it (`/…/N (deleted)`): every holder of the pipe shows the same. */
  readonly link: string;
}

/**
 * A FIFO still named, for another process to open by its path (the spawner, for the child it
 * starts). procs holds the read end, and a write end until `unlinkPipes`, so that the read end
 * sees no end-of-file before the child has its own.
 */
export interface NamedPipe {
  readonly read: number;
  readonly write: number;
  readonly path: string;
}

/** The channels to the spawner: one procs reads blocking (replies), one it writes blocking (requests). */
export interface ChannelPipes {
  readonly reply: { readonly procs: number; readonly child: number };
  readonly request: { readonly procs: number; readonly child: number };
}

/** Makes FIFOs `dir/first` … `dir/first+count-1` (mode 0600) without a process of its own (the spawner does). */
export interface FifoMaker {
  /** False when it cannot (the FIFOs are then made by mkfifo). */
  makeFifos(dir: string, first: number, count: number): boolean;
  /**
   * Asks for them in a folder from `folder` (called only when it can ask) and returns at once;
   * undefined when it cannot.
   */
  makeFifosAhead?(folder: () => string, first: number, count: number): { readonly dir: string; readonly batch: FifoBatch } | undefined;
}

/** A batch asked for ahead. */
export interface FifoBatch {
  /** Whether it was made, waiting for the answer if it has not come. */
  settle(): boolean;
}

/** FIFOs made per mkfifo run (two per unit, more for pipelines). */
const BATCH = 64;
/** FIFOs made per batch by the spawner: it answers once every spawn asked before is done, so fewer, larger batches. */
const SPAWNER_BATCH = 256;
/**
 * The next batch is asked for while this many FIFOs are left: waiting for it when they ran out
 * meant waiting for every spawn asked before it (300 units in layers of 60: 0.4 s of 5 s blocked).
 */
const AHEAD_AT = 128;
const PREFIX = 'procs-out-';

// Where the folders go: /dev/shm (tmpfs: mkfifo there is several times faster than on a disk),
// else the temporary folder.
function baseFolder(): string {
  try {
    accessSync('/dev/shm', fsc.W_OK | fsc.X_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

// Removes `procs-out-PID-…` folders whose procs (PID) no longer runs. A live process with that
// pid, even an unrelated one, keeps its folder: leaving one behind is the safe mistake.
function removeStale(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^procs-out-(\d+)-/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || pidExists(pid)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
}

// Opens one FIFO as a pipe and unlinks it. The read end first, without blocking; the write end
// then opens at once (a reader exists) and stays blocking, as a child's stdout should be.
function openOne(path: string): OutputPipe {
  const read = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
  try {
    const write = openSync(path, fsc.O_WRONLY);
    unlinkSync(path);
    return { read, write, link: readlinkSync(`/proc/self/fd/${read}`) };
  } catch (err) {
    closeSync(read);
    throw err;
  }
}

/**
 * One host's supply of FIFOs: batches made in private folders (mode 0700, the FIFOs 0600), by
 * `maker` when it can, else by mkfifo. Folders of procs processes that are gone are removed the
 * first time; this pool's own go once empty and when procs exits.
 */
export class FifoPool {
  readonly #maker: FifoMaker | undefined;
  #base: string | undefined;
  #folder: string | undefined;
  #ready: string[] = [];
  #made = 0;
  #exitHook = false;
  /** Each batch folder as /proc names it (its path with symlinks resolved), while it has FIFOs named. */
  readonly #realFolders = new Map<string, string>();
  /** FIFOs taken and still named, by folder; a folder whose FIFOs are all taken goes once none is left. */
  readonly #named = new Map<string, number>();
  /** Folders whose FIFOs are all taken, some still named. */
  #retired = new Set<string>();
  /** The next batch, asked for ahead: its folder, its first number, and the answer to come. */
  #ahead: { dir: string; first: number; batch: FifoBatch } | undefined;
  /** The maker took a folder and could not ask (the spawner went, or the folder's path cannot be sent): not asked again. */
  #noAhead = false;

  constructor(maker?: FifoMaker) {
    this.#maker = maker;
  }

  /** `count` fresh pipes. Throws when they cannot be made (the caller reports a failed spawn). */
  outputPipes(count: number): OutputPipe[] {
    const out: OutputPipe[] = [];
    try {
      while (out.length < count) {
        if (this.#ready.length === 0) this.#makeBatch();
        const path = this.#ready.shift() as string;
        this.#askAhead();
        if (this.#ready.length === 0) {
          // The last one: the folder goes once it is open (an open FIFO outlives its name).
          const pipe = openOne(path);
          this.#removeFolder();
          out.push(pipe);
        } else {
          out.push(openOne(path));
        }
      }
      return out;
    } catch (err) {
      closePipes(out, 'both');
      throw err;
    }
  }

  /** `count` named FIFOs (see NamedPipe); `unlinkPipes` takes their names. Throws like `outputPipes`. */
  namedPipes(count: number): NamedPipe[] {
    const out: NamedPipe[] = [];
    try {
      while (out.length < count) {
        const path = this.#takePath();
        const read = openSync(path, fsc.O_RDONLY | fsc.O_NONBLOCK);
        try {
          out.push({ read, write: openSync(path, fsc.O_WRONLY | fsc.O_NONBLOCK), path });
        } catch (err) {
          closeSync(read);
          throw err;
        }
      }
      return out;
    } catch (err) {
      this.unlinkPipes(out);
      for (const p of out) closeSync(p.read);
      throw err;
    }
  }

  /**
   * Once the other process holds them (or never will): takes the pipes' names and closes procs'
   * write ends. Gives each pipe as /proc names it.
   */
  unlinkPipes(pipes: readonly NamedPipe[]): string[] {
    return pipes.map((p) => {
      try {
        unlinkSync(p.path);
      } catch {
        // already gone
      }
      closeSync(p.write);
      this.#unnamed(p.path);
      // What /proc/PID/fd shows for an open FIFO whose name is gone (the folder as /proc resolves it).
      const slash = p.path.lastIndexOf('/');
      const dir = p.path.slice(0, slash);
      return `${this.#realFolders.get(dir) ?? dir}${p.path.slice(slash)} (deleted)`;
    });
  }

  /** A named pipe used as an input (the other process opened it for reading): takes its name and closes procs' read end. */
  unlinkInput(pipe: NamedPipe): void {
    try {
      unlinkSync(pipe.path);
    } catch {
      // already gone
    }
    closeSync(pipe.read);
    this.#unnamed(pipe.path);
  }

  /** Opens the two channels to the spawner; the caller closes the child ends once it holds them. */
  channelPipes(): ChannelPipes {
    const a = this.#takePath();
    const b = this.#takePath();
    try {
      // Replies: a placeholder writer lets procs open a blocking read end at once; the child gets it.
      const replyChild = openSync(a, fsc.O_RDWR);
      const replyProcs = openSync(a, fsc.O_RDONLY);
      // Requests: a non-blocking read end for the child, so that procs' blocking write end opens at once.
      const requestChild = openSync(b, fsc.O_RDONLY | fsc.O_NONBLOCK);
      const requestProcs = openSync(b, fsc.O_WRONLY);
      return { reply: { procs: replyProcs, child: replyChild }, request: { procs: requestProcs, child: requestChild } };
    } finally {
      for (const path of [a, b]) {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
        this.#unnamed(path);
      }
    }
  }

  // The folders' base, found (and cleared of stale folders) on first use.
  #baseFolder(): string {
    if (this.#base !== undefined) return this.#base;
    const dir = baseFolder();
    this.#base = dir;
    removeStale(dir);
    return dir;
  }

  // Removes the folder with the FIFOs not taken yet.
  #removeFolder(): void {
    const folder = this.#folder;
    if (folder !== undefined) {
      // One with FIFOs still named goes once they are unlinked.
      if (this.#named.has(folder)) this.#retired.add(folder);
      else {
        this.#realFolders.delete(folder);
        rmSync(folder, { recursive: true, force: true });
      }
    }
    this.#folder = undefined;
    this.#ready = [];
  }

  // A fresh private folder (mode 0700) for a batch.
  #newFolder(): string {
    const dir = mkdtempSync(join(this.#baseFolder(), `${PREFIX}${process.pid}-`));
    this.#realFolders.set(dir, realpathSync(dir));
    return dir;
  }

  // Asks the maker for the next batch while the current one runs low, if it can make one ahead.
  #askAhead(): void {
    if (this.#ahead !== undefined || this.#noAhead || this.#ready.length >= AHEAD_AT || this.#maker?.makeFifosAhead === undefined) return;
    let made: string | undefined;
    const asked = this.#maker.makeFifosAhead(() => (made = this.#newFolder()), this.#made, SPAWNER_BATCH);
    if (asked === undefined) {
      if (made === undefined) return;
      this.#noAhead = true;
      this.#realFolders.delete(made);
      rmSync(made, { recursive: true, force: true });
      return;
    }
    this.#ahead = { dir: asked.dir, first: this.#made, batch: asked.batch };
    this.#made += SPAWNER_BATCH;
  }

  // Takes the batch asked for ahead, once made; false when there was none or it could not be made.
  #takeAhead(): boolean {
    const ahead = this.#ahead;
    if (ahead === undefined) return false;
    this.#ahead = undefined;
    if (!ahead.batch.settle()) {
      this.#realFolders.delete(ahead.dir);
      rmSync(ahead.dir, { recursive: true, force: true });
      return false;
    }
    this.#folder = ahead.dir;
    this.#ready = Array.from({ length: SPAWNER_BATCH }, (_, i) => join(ahead.dir, String(ahead.first + i)));
    return true;
  }

  // Makes another batch of FIFOs in a fresh private folder (mode 0700, the FIFOs 0600).
  #makeBatch(): void {
    this.#removeFolder();
    if (!this.#exitHook) {
      this.#exitHook = true;
      process.once('exit', () => {
        this.#removeFolder();
        this.#removeRetired();
        if (this.#ahead !== undefined) rmSync(this.#ahead.dir, { recursive: true, force: true });
      });
    }
    if (this.#takeAhead()) return;
    const dir = this.#newFolder();
    this.#folder = dir;
    const first = this.#made;
    const spawnerMade = this.#maker?.makeFifos(dir, first, SPAWNER_BATCH) ?? false;
    const size = spawnerMade ? SPAWNER_BATCH : BATCH;
    this.#made += size;
    const paths = Array.from({ length: size }, (_, i) => join(dir, String(first + i)));
    if (!spawnerMade) {
      const failed = makeFifos(paths, 'pipe');
      if (failed !== undefined) {
        this.#removeFolder();
        throw new Error(`could not make output pipes: mkfifo failed (${failed})`);
      }
    }
    this.#ready = paths;
  }

  // One FIFO path from the pool, its name kept; an emptied folder waits for `unlinkPipes`.
  #takePath(): string {
    if (this.#ready.length === 0) this.#makeBatch();
    const path = this.#ready.shift() as string;
    const dir = this.#folder as string;
    this.#askAhead();
    this.#named.set(dir, (this.#named.get(dir) ?? 0) + 1);
    if (this.#ready.length === 0) {
      this.#retired.add(dir);
      this.#folder = undefined;
    }
    return path;
  }

  // A named FIFO has been unlinked: its folder goes when it was the last.
  #unnamed(path: string): void {
    const dir = path.slice(0, path.lastIndexOf('/'));
    const left = (this.#named.get(dir) ?? 1) - 1;
    if (left > 0) {
      this.#named.set(dir, left);
      return;
    }
    this.#named.delete(dir);
    if (this.#retired.delete(dir)) {
      this.#realFolders.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // Removes the folders of FIFOs still named (procs is exiting).
  #removeRetired(): void {
    for (const dir of this.#retired) rmSync(dir, { recursive: true, force: true });
    this.#retired = new Set();
    this.#named.clear();
  }
}

/** Closes the given ends of pipes (procs closes its write ends once the child holds them). */
export function closePipes(pipes: readonly OutputPipe[], ends: 'write' | 'both'): void {
  for (const p of pipes) {
    closeSync(p.write);
    if (ends === 'both') closeSync(p.read);
  }
}
