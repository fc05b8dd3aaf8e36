// The spawner (native/spawner.c): a small process that starts units for procs. Forking procs'
// own Node process copies its page tables on every spawn and grows slower as procs grows; the
// spawner's posix_spawn does not. It is the parent of every unit it starts, reaps them and
// reports each exit; and when procs is gone, however it ended, it stops them (the guardian's job,
// which guardian.ts does with a shell script when there is no spawner).
//
// procs asks over a pipe it writes blocking and waits for the answer on another it reads
// blocking: a spawn gives its pid at once, as child_process.spawn does. Exits come over a third
// pipe, read through the event loop. Without the built binary (no C compiler where procs was
// built), with PROCS_SPAWNER=node, when it cannot run here, or once it fails, units start with
// child_process.spawn instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, readSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { packageFile } from '../self.js';
import { forgetGroup, noteGroup } from './group-record.js';
import { channelPipes, useFifoMaker } from './output-pipes.js';
import { signalName } from '../events/signals.js';

/** Where the build puts the spawner. */
export const SPAWNER_BINARY = packageFile('dist/bin/procs-spawner');

/** How a child started by the spawner ended. */
export interface SpawnerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the child could not exec (it then exited 127 or 126): the errno, like `ENOENT`. */
  readonly errno?: string;
}

/** What a spawn request gives: the pid and its coming exit, or the errno that stopped it. */
export type SpawnResult = { readonly pid: number; readonly exited: Promise<SpawnerExit> } | { readonly errno: string };

/**
 * A spawn request sent, its answer read later: procs sends the requests of every unit it starts
 * at once and goes on while the spawner forks. Answers are read in order, when one is needed
 * (`settle`), before any exit event, and before any other request that waits for an answer.
 */
export class PendingSpawn {
  #result: SpawnResult | undefined;
  readonly #onSettled: (result: SpawnResult) => void;

  constructor(onSettled: (result: SpawnResult) => void) {
    this.#onSettled = onSettled;
  }

  /** The answer, read now if it has not been. */
  settle(): SpawnResult {
    while (this.#result === undefined && unanswered.length > 0) readAnswer();
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

export interface SpawnRequest {
  readonly file: string;
  readonly argv0: string;
  readonly cwd: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Paths of the FIFOs the child's fd 1, 2, 3… open for writing (procs holds their read ends). */
  readonly outputs: readonly string[];
}

interface Connection {
  readonly child: ChildProcess;
  readonly request: number;
  readonly reply: number;
  readonly events: Socket;
}

const errnoNames = new Map<number, string>();
for (const [name, num] of Object.entries(constants.errno)) if (!errnoNames.has(num)) errnoNames.set(num, name);

let state: Connection | 'off' | undefined;
/** Exit waiters by pid, oldest first: a pid reused before its exit was read keeps its order. */
const waiting = new Map<number, ((exit: SpawnerExit) => void)[]>();
/** Exec failures told before their exit, by pid. */
const execErrors = new Map<number, string>();
let outstanding = 0;
/** At most this many answers wait unread (a few kB in their pipe). */
const MAX_UNANSWERED = 256;
/** Requests sent whose answer is not read yet, oldest first. */
const unanswered: PendingSpawn[] = [];
let partial = '';
const replyBuf = Buffer.alloc(4096);

const errnoName = (num: number): string => errnoNames.get(num) ?? `errno ${num}`;

// The spawner to run here, if any: PROCS_SPAWNER=node turns it off, an absolute path names
// another build of it.
function binary(): string | undefined {
  const chosen = process.env.PROCS_SPAWNER;
  if (chosen === 'node' || process.platform !== 'linux') return undefined;
  const path = chosen !== undefined && chosen.startsWith('/') ? chosen : SPAWNER_BINARY;
  return existsSync(path) ? path : undefined;
}

/** Answer text read past the last whole line. */
let replyRest = '';

// One reply line, read blocking; undefined when the spawner is gone.
function readReply(conn: Connection): string | undefined {
  for (;;) {
    const nl = replyRest.indexOf('\n');
    if (nl >= 0) {
      const line = replyRest.slice(0, nl);
      replyRest = replyRest.slice(nl + 1);
      return line;
    }
    let n: number;
    try {
      n = readSync(conn.reply, replyBuf, 0, replyBuf.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINTR' || code === 'EAGAIN') continue;
      return undefined;
    }
    if (n === 0) return undefined;
    replyRest += replyBuf.toString('latin1', 0, n);
  }
}

// Writes a request whole; false when the spawner is gone.
function send(conn: Connection, data: Buffer | string): boolean {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(conn.request, buf, off, buf.length - off);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EINTR' || code === 'EAGAIN') continue;
      return false;
    }
  }
  return true;
}

// Reads the oldest unread answer.
function readAnswer(): void {
  const pending = unanswered.shift();
  if (pending === undefined) return;
  const conn = state === undefined || state === 'off' ? undefined : state;
  const reply = conn === undefined ? undefined : readReply(conn);
  if (conn === undefined || reply === undefined) {
    outstanding = Math.max(0, outstanding - 1);
    pending.answer({ errno: 'ECHILD' });
    if (conn !== undefined) lost(conn);
    return;
  }
  const [kind, value] = reply.split(' ');
  if (kind !== 'P') {
    outstanding -= 1;
    holdLoop(conn);
    pending.answer({ errno: errnoName(Number(value)) });
    return;
  }
  const pid = Number(value);
  noteGroup(pid);
  const exited = new Promise<SpawnerExit>((resolve) => {
    const list = waiting.get(pid);
    if (list === undefined) waiting.set(pid, [resolve]);
    else list.push(resolve);
  });
  pending.answer({ pid, exited });
}

// Reads every answer still unread.
function drain(): void {
  while (unanswered.length > 0) readAnswer();
}

// Keeps procs' event loop alive while a child of the spawner runs, as a child of procs would.
function holdLoop(conn: Connection): void {
  if (outstanding > 0) conn.events.ref();
  else conn.events.unref();
}

// One event line: `x PID CODE SIGNAL` (an exit) or `e PID ERRNO` (an exec that failed).
function onEvent(conn: Connection, line: string): void {
  const [kind, pidText, codeText, sigText] = line.split(' ');
  const pid = Number(pidText);
  if (kind === 'e') {
    execErrors.set(pid, errnoName(Number(codeText)));
    return;
  }
  if (kind !== 'x') return;
  forgetGroup(pid);
  const errno = execErrors.get(pid);
  execErrors.delete(pid);
  const list = waiting.get(pid);
  const resolve = list?.shift();
  if (list !== undefined && list.length === 0) waiting.delete(pid);
  if (resolve === undefined) return;
  outstanding -= 1;
  holdLoop(conn);
  const code = Number(codeText);
  resolve({ code: code >= 0 ? code : null, signal: code >= 0 ? null : (signalName(Number(sigText)) ?? 'SIGKILL'), ...(errno === undefined ? {} : { errno }) });
}

// The spawner is gone: units it started can no longer be followed, so they are ended (their
// groups killed) and reported as killed; new units start through Node.
function lost(conn: Connection): void {
  if (state !== conn) return;
  state = 'off';
  useFifoMaker(undefined);
  for (const fd of [conn.request, conn.reply]) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
  }
  conn.events.destroy();
  for (const [pid, list] of waiting) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
    for (const resolve of list) resolve({ code: null, signal: 'SIGKILL' });
  }
  waiting.clear();
  execErrors.clear();
  outstanding = 0;
  for (const pending of unanswered.splice(0)) pending.answer({ errno: 'ECHILD' });
}

// Starts the spawner and waits for its hello; undefined when it cannot run here (built for
// another machine, say: it fails to exec or exits, and the hello never comes).
function connect(path: string): Connection | undefined {
  let pipes;
  try {
    pipes = channelPipes();
  } catch {
    return undefined;
  }
  let child: ChildProcess;
  try {
    child = spawn(path, [], {
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
  const conn: Connection = { child, request: pipes.request.procs, reply: pipes.reply.procs, events };
  if (readReply(conn) !== 'R') {
    closeSync(conn.request);
    closeSync(conn.reply);
    events.destroy();
    return undefined;
  }
  events.setEncoding('latin1');
  events.on('data', (chunk: string) => {
    // An exit may be of a child whose pid is not read yet.
    drain();
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onEvent(conn, line);
  });
  events.on('error', () => undefined);
  events.on('close', () => lost(conn));
  child.once('exit', () => {
    // Exits already written come before the end of the event pipe: let them through first.
    if (!events.destroyed) events.once('close', () => lost(conn));
    else lost(conn);
  });
  holdLoop(conn);
  useFifoMaker((dir, first, count) => {
    drain();
    if (state !== conn || /[\s\0]/.test(dir) || !send(conn, `F ${dir} ${first} ${count}\n`)) return false;
    return readReply(conn) === 'K';
  });
  return conn;
}

// The running spawner, started on first use; undefined when units start through Node.
function connection(): Connection | undefined {
  if (state === undefined) {
    const path = binary();
    state = (path === undefined ? undefined : connect(path)) ?? 'off';
  }
  return state === 'off' ? undefined : state;
}

/** Whether spawns go through the spawner (starting it if that is still to be tried). */
export function spawnerAvailable(): boolean {
  return connection() !== undefined;
}

/** The spawner's pid, when it runs (tests and benchmarks look for it). */
export function spawnerPid(): number | undefined {
  return state === undefined || state === 'off' ? undefined : state.child.pid;
}

/**
 * Asks the spawner for a child: its own session, stdin /dev/null, fd 1 onwards the given FIFOs.
 * `onSettled` gets the answer when it is read (see PendingSpawn). Undefined when the spawner is
 * not there (the caller uses child_process instead).
 */
export function spawnerSpawn(req: SpawnRequest, onSettled: (result: SpawnResult) => void): PendingSpawn | undefined {
  const conn = connection();
  if (conn === undefined) return undefined;
  // Answers wait in a pipe of their own: read them before it could fill up.
  if (unanswered.length >= MAX_UNANSWERED) drain();
  const env = Object.entries(req.env).map(([k, v]) => `${k}=${v}`);
  const parts = [req.file, req.argv0, req.cwd, String(req.args.length), ...req.args, String(env.length), ...env, String(req.outputs.length), ...req.outputs];
  const body = `${parts.join('\0')}\0`;
  if (!send(conn, Buffer.from(`S ${Buffer.byteLength(body)}\n${body}`, 'utf8'))) {
    lost(conn);
    return undefined;
  }
  const pending = new PendingSpawn(onSettled);
  // Whatever nobody asks for by the end of this turn is read then: a failed spawn has no exit.
  if (unanswered.length === 0) queueMicrotask(drain);
  unanswered.push(pending);
  outstanding += 1;
  holdLoop(conn);
  return pending;
}

/** Tells the spawner a line of the guardian's protocol (`g PGID`, `p PID`, `u PGID`); false without one. */
export function spawnerGuard(line: string): boolean {
  if (state === undefined || state === 'off') return false;
  if (!send(state, line)) lost(state);
  return true;
}
