// The spawner (native/spawner.c): a small process that starts units for procs. Forking procs'
// own Node process copies its page tables on every spawn and grows slower as procs grows; the
// spawner's vfork does not. It is the parent of every unit it starts, reaps them and
// reports each exit; and when procs is gone, however it ended, it stops them (the guardian's job,
// which shell-guardian.ts does with a shell script when there is no spawner).
//
// procs asks over a pipe it writes blocking, and the spawner answers each spawn, in the order
// asked, once its child leads its own session (it has begun its exec). procs reads the answers
// through the event loop, and goes on with other work meanwhile; it reads one blocking only when
// it needs a pid at once (a caller asks for it, or the child's exit or output comes first). Exits
// come over a third pipe, read through the event loop. Without the built binary (no C compiler
// where procs was built), with PROCS_SPAWNER=node, when it cannot run here, or once it fails,
// units start with child_process.spawn instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, constants as fsc, existsSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { packageFile } from '../self.js';
import type { GroupRecord } from './group-record.js';
import { FifoPool, type FifoMaker } from './output-pipes.js';
import { bindRequest, errnoName, ReplyReader, sendAll, spawnRequest, type SpawnerExit, type SpawnRequest, type SpawnResult } from './spawner-wire.js';
import { signalName } from '../events/signals.js';

export type { SpawnerExit, SpawnRequest, SpawnResult } from './spawner-wire.js';

/** Where the build puts the spawner. */
export const SPAWNER_BINARY = packageFile('dist/bin/procs-spawner');

/** At most this many answers wait unread (a few kB in their pipe, which the spawner writes blocking). */
const MAX_UNANSWERED = 256;

/** The spawner to run here, if any: PROCS_SPAWNER=node turns it off, an absolute path names another build of it. */
export function spawnerBinary(): string | undefined {
  const chosen = process.env.PROCS_SPAWNER;
  if (chosen === 'node' || process.platform !== 'linux') return undefined;
  const path = chosen !== undefined && chosen.startsWith('/') ? chosen : SPAWNER_BINARY;
  return existsSync(path) ? path : undefined;
}

/**
 * A spawn request sent, its answer read later: procs sends the requests of every unit it starts
 * at once and goes on while the spawner forks. Answers are read in order: as the event loop
 * brings them, or at once when one is needed (`settle`), before the exit of a pid not known yet,
 * and before any other request that waits for an answer.
 */
class PendingSpawn {
  #result: SpawnResult | undefined;
  readonly #onSettled: (result: SpawnResult) => void;
  readonly #readOne: () => boolean;

  /** `readOne` reads the oldest unread answer of its spawner; false when none is left to read. */
  constructor(onSettled: (result: SpawnResult) => void, readOne: () => boolean) {
    this.#onSettled = onSettled;
    this.#readOne = readOne;
  }

  /** The answer, read now if it has not been. */
  settle(): SpawnResult {
    while (this.#result === undefined && this.#readOne());
    return this.#result ?? this.answer({ errno: 'ECHILD' });
  }

  /** Takes the answer (once) and hands it on. */
  answer(result: SpawnResult): SpawnResult {
    if (this.#result !== undefined) return this.#result;
    this.#result = result;
    this.#onSettled(result);
    return result;
  }
}

/**
 * A batch of FIFOs asked for ahead (FifoBatch): the spawner makes it between the spawns asked
 * before and after, and its answer is read in order with theirs.
 */
class PendingFifos {
  #made: boolean | undefined;
  readonly #readOne: () => boolean;

  constructor(readOne: () => boolean) {
    this.#readOne = readOne;
  }

  /** Whether the batch was made, read now if the answer has not been. */
  settle(): boolean {
    while (this.#made === undefined && this.#readOne());
    return this.answer(false);
  }

  /** Takes the answer (once). */
  answer(made: boolean): boolean {
    this.#made ??= made;
    return this.#made;
  }
}

interface Connection {
  readonly child: ChildProcess;
  readonly request: number;
  readonly reply: ReplyReader;
  readonly replyFd: number;
  /** The same reply pipe, read through the event loop. */
  readonly replies: Socket;
  readonly events: Socket;
}

/**
 * One spawner process and the conversation with it, started on first use. Its FIFOs come from
 * its own pool, which the spawner fills once it runs. Groups it starts go into `record`.
 */
export class SpawnerClient implements FifoMaker {
  /** The FIFOs of the units this spawner starts (and of the channels to it). */
  readonly pool: FifoPool = new FifoPool(this);
  readonly #path: string;
  readonly #record: GroupRecord;
  #state: Connection | 'off' | undefined;
  /** Exit waiters by pid, oldest first: a pid reused before its exit was read keeps its order. */
  readonly #waiting = new Map<number, ((exit: SpawnerExit) => void)[]>();
  /** Exec failures told before their exit, by pid. */
  readonly #execErrors = new Map<number, string>();
  #outstanding = 0;
  /** Requests sent whose answer is not read yet, oldest first. */
  #unanswered: (PendingSpawn | PendingFifos)[] = [];
  /** Event text read past the last whole line. */
  #partial = '';
  /** Whether answers read ahead are to be handed on once the current task is done. */
  #dispatchQueued = false;

  constructor(path: string, record: GroupRecord) {
    this.#path = path;
    this.#record = record;
  }

  /** Whether spawns go through the spawner (starting it if that is still to be tried). */
  available(): boolean {
    return this.#connection() !== undefined;
  }

  /** The spawner's pid, when it runs. */
  pid(): number | undefined {
    return this.#state === undefined || this.#state === 'off' ? undefined : this.#state.child.pid;
  }

  /**
   * Asks the spawner for a child: its own session, stdin /dev/null, fd 1 onwards the given FIFOs.
   * `onSettled` gets the answer when it is read (see PendingSpawn). Undefined when the spawner is
   * not there (the caller uses child_process instead).
   */
  spawn(req: SpawnRequest, onSettled: (result: SpawnResult) => void): PendingSpawn | undefined {
    const conn = this.#connection();
    if (conn === undefined) return undefined;
    // Answers wait in a pipe of their own: read the oldest before it could fill up.
    while (this.#unanswered.length >= MAX_UNANSWERED && this.#readAnswer());
    if (this.#state !== conn || !sendAll(conn.request, spawnRequest(req))) {
      this.#lost(conn);
      return undefined;
    }
    const pending = new PendingSpawn(onSettled, () => this.#readAnswer());
    this.#unanswered.push(pending);
    this.#outstanding += 1;
    this.#holdLoop(conn);
    return pending;
  }

  /** Tells the spawner a line of the guardian's protocol (`g PGID`, `p PID`, `u PGID`); false without one. */
  guard(line: string): boolean {
    const conn = this.#state;
    if (conn === undefined || conn === 'off') return false;
    if (!sendAll(conn.request, line)) this.#lost(conn);
    return true;
  }

  /** Has the running spawner make a batch of FIFOs (FifoMaker); false when it does not run. */
  makeFifos(dir: string, first: number, count: number): boolean {
    if (this.#state === undefined || this.#state === 'off') return false;
    const conn = this.#state;
    if (/[\s\0]/.test(dir) || !sendAll(conn.request, `F ${dir} ${first} ${count}\n`)) return false;
    const made = conn.reply.after(this.#unanswered.length);
    this.#dispatchSoon(conn);
    return made === 'K';
  }

  /**
   * Asks the running spawner for a batch of FIFOs and goes on (FifoMaker); undefined when it does
   * not run. The answer comes in order with the spawns', through the event loop or when settled.
   */
  makeFifosAhead(folder: () => string, first: number, count: number): { dir: string; batch: PendingFifos } | undefined {
    if (this.#state === undefined || this.#state === 'off') return undefined;
    const conn = this.#state;
    const dir = folder();
    if (/[\s\0]/.test(dir)) return undefined;
    while (this.#unanswered.length >= MAX_UNANSWERED && this.#readAnswer());
    if (this.#state !== conn || !sendAll(conn.request, `F ${dir} ${first} ${count}\n`)) return undefined;
    const batch = new PendingFifos(() => this.#readAnswer());
    this.#unanswered.push(batch);
    return { dir, batch };
  }

  /**
   * Has the spawner bind a listening TCP socket and hold it under `id` (replacing one held there):
   * the port it got, or the errno; undefined when the spawner does not run.
   */
  bind(id: string, host: string, port: number, backlog: number): { port: number } | { errno: string } | undefined {
    const conn = this.#connection();
    if (conn === undefined) return undefined;
    if (!sendAll(conn.request, bindRequest(id, host, port, backlog))) return undefined;
    const bound = conn.reply.after(this.#unanswered.length);
    this.#dispatchSoon(conn);
    const [kind, value] = (bound ?? 'E 0').split(' ');
    return kind === 'K' ? { port: Number(value) } : { errno: errnoName(Number(value)) };
  }

  /** Closes the socket held under `id`. */
  unbind(id: string): void {
    const conn = this.#state;
    if (conn !== undefined && conn !== 'off' && !sendAll(conn.request, `C ${id}\n`)) this.#lost(conn);
  }

  // The running spawner, started on first use; undefined when units start through Node.
  #connection(): Connection | undefined {
    this.#state ??= this.#connect() ?? 'off';
    return this.#state === 'off' ? undefined : this.#state;
  }

  // Reads the oldest unread answer, blocking; false when there was none.
  #readAnswer(): boolean {
    if (this.#unanswered.length === 0) return false;
    const conn = this.#state === undefined || this.#state === 'off' ? undefined : this.#state;
    this.#answer(conn, conn?.reply.line());
    if (conn !== undefined) this.#dispatchSoon(conn);
    return true;
  }

  // A blocking read may have taken later answers too, which the event loop will not bring
  // again: they are handed on once the current task is done.
  #dispatchSoon(conn: Connection): void {
    if (this.#dispatchQueued) return;
    this.#dispatchQueued = true;
    queueMicrotask(() => {
      this.#dispatchQueued = false;
      this.#dispatch(conn);
    });
  }

  // Hands on every answer the event loop has brought.
  #dispatch(conn: Connection): void {
    while (this.#state === conn && this.#unanswered.length > 0) {
      const line = conn.reply.buffered();
      if (line === undefined) return;
      this.#answer(conn, line);
    }
  }

  // Gives the oldest unanswered spawn its reply line (undefined: the spawner is gone).
  #answer(conn: Connection | undefined, reply: string | undefined): void {
    const pending = this.#unanswered.shift();
    if (pending === undefined) return;
    if (pending instanceof PendingFifos) {
      pending.answer(reply === 'K');
      if (conn !== undefined && reply === undefined) this.#lost(conn);
      return;
    }
    if (conn === undefined || reply === undefined) {
      this.#outstanding = Math.max(0, this.#outstanding - 1);
      pending.answer({ errno: 'ECHILD' });
      if (conn !== undefined) this.#lost(conn);
      return;
    }
    const [kind, value] = reply.split(' ');
    if (kind !== 'P') {
      this.#outstanding -= 1;
      this.#holdLoop(conn);
      pending.answer({ errno: errnoName(Number(value)) });
      return;
    }
    const pid = Number(value);
    this.#record.note(pid);
    const exited = new Promise<SpawnerExit>((resolve) => {
      const list = this.#waiting.get(pid);
      if (list === undefined) this.#waiting.set(pid, [resolve]);
      else list.push(resolve);
    });
    pending.answer({ pid, exited });
  }

  // Keeps procs' event loop alive while a child of the spawner runs, as a child of procs would.
  #holdLoop(conn: Connection): void {
    if (this.#outstanding > 0) conn.events.ref();
    else conn.events.unref();
  }

  // One event line: `x PID CODE SIGNAL` (an exit) or `e PID ERRNO` (an exec that failed).
  #onEvent(conn: Connection, line: string): void {
    const [kind, pidText, codeText, sigText] = line.split(' ');
    const pid = Number(pidText);
    if (kind === 'e') {
      this.#execErrors.set(pid, errnoName(Number(codeText)));
      return;
    }
    if (kind !== 'x') return;
    // The spawner answers a spawn before it tells its child's exit: a pid not known yet is among
    // the answers still in their pipe.
    while (!this.#waiting.has(pid) && this.#readAnswer());
    this.#record.forget(pid);
    const errno = this.#execErrors.get(pid);
    this.#execErrors.delete(pid);
    const list = this.#waiting.get(pid);
    const resolve = list?.shift();
    if (list !== undefined && list.length === 0) this.#waiting.delete(pid);
    if (resolve === undefined) return;
    this.#outstanding -= 1;
    this.#holdLoop(conn);
    const code = Number(codeText);
    resolve({
      code: code >= 0 ? code : null,
      signal: code >= 0 ? null : (signalName(Number(sigText)) ?? 'SIGKILL'),
      ...(errno === undefined ? {} : { errno }),
    });
  }

  // The spawner is gone: units it started can no longer be followed, so they are ended (their
  // groups killed) and reported as killed; new units start through Node.
  #lost(conn: Connection): void {
    if (this.#state !== conn) return;
    this.#state = 'off';
    for (const fd of [conn.request, conn.replyFd]) {
      try {
        closeSync(fd);
      } catch {
        // closed already
      }
    }
    conn.events.destroy();
    conn.replies.destroy();
    for (const [pid, list] of this.#waiting) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone already
      }
      for (const resolve of list) resolve({ code: null, signal: 'SIGKILL' });
    }
    this.#waiting.clear();
    this.#execErrors.clear();
    this.#outstanding = 0;
    for (const pending of this.#unanswered.splice(0)) {
      if (pending instanceof PendingFifos) pending.answer(false);
      else pending.answer({ errno: 'ECHILD' });
    }
  }

  // Starts the spawner and waits for its hello; undefined when it cannot run here (built for
  // another machine, say: it fails to exec or exits, and the hello never comes).
  #connect(): Connection | undefined {
    let pipes;
    try {
      pipes = this.pool.channelPipes();
    } catch {
      return undefined;
    }
    let child: ChildProcess;
    try {
      child = spawn(this.#path, [], {
        detached: true,
        stdio: [pipes.request.child, 'pipe', 'ignore', pipes.reply.child],
        env: {},
      });
    } catch {
      for (const fd of [pipes.request.child, pipes.reply.child, pipes.request.procs, pipes.reply.procs]) closeSync(fd);
      return undefined;
    }
    closeSync(pipes.request.child);
    closeSync(pipes.reply.child);
    child.on('error', () => undefined);
    child.unref();
    const events = child.stdout as Socket;
    const reply = new ReplyReader(pipes.reply.procs);
    let replies: Socket | undefined;
    if (reply.line() === 'R') {
      try {
        // A second read end of the reply FIFO, non-blocking, for the event loop.
        replies = new Socket({ fd: openSync(`/proc/self/fd/${pipes.reply.procs}`, fsc.O_RDONLY | fsc.O_NONBLOCK), readable: true, writable: false });
      } catch {
        // no second end: the spawner is not used
      }
    }
    if (replies === undefined) {
      closeSync(pipes.request.procs);
      closeSync(pipes.reply.procs);
      events.destroy();
      return undefined;
    }
    const conn: Connection = { child, request: pipes.request.procs, reply, replyFd: pipes.reply.procs, replies, events };
    replies.unref();
    replies.setEncoding('latin1');
    replies.on('data', (chunk: string) => {
      reply.feed(chunk);
      this.#dispatch(conn);
    });
    replies.on('error', () => undefined);
    events.setEncoding('latin1');
    events.on('data', (chunk: string) => {
      const lines = (this.#partial + chunk).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) this.#onEvent(conn, line);
    });
    events.on('error', () => undefined);
    events.on('close', () => this.#lost(conn));
    child.once('exit', () => {
      // Exits already written come before the end of the event pipe: let them through first.
      if (!events.destroyed) events.once('close', () => this.#lost(conn));
      else this.#lost(conn);
    });
    this.#holdLoop(conn);
    return conn;
  }
}
