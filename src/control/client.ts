// The CLI's side of the control socket: the ControlApi over HTTP on a Unix socket. It loads
// only node:http, so `procs ps` and friends start fast. Connection failures become
// ControlErrors that say which project is not running, or that it belongs to someone else.
import { readFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import type { ProcsEvent } from '../events/types.js';
import {
  ControlError,
  type ControlApi,
  type ControlErrorCode,
  type DownRequest,
  type Feed,
  type LiveBatch,
  type ProjectStatus,
  type ReloadRequest,
  type ReloadResult,
  type ScaleResult,
  type UnitsResult,
} from './api.js';

/** How long `down` waits, after the project said it is down, for its process to be gone. */
const EXIT_GRACE_MS = 10_000;

export class ControlClient implements ControlApi {
  readonly socketPath: string;
  /** The project folder, for messages. */
  readonly root: string;

  readonly #exitGraceMs: number;

  /** `exitGraceMs`: how long `down` waits for the server's process to be gone after it said so. */
  constructor(socketPath: string, root: string, exitGraceMs = EXIT_GRACE_MS) {
    this.socketPath = socketPath;
    this.root = root;
    this.#exitGraceMs = exitGraceMs;
  }

  status(): Promise<ProjectStatus> {
    return this.#call('GET', '/v1/status');
  }

  start(units: readonly string[]): Promise<UnitsResult> {
    return this.#call('POST', '/v1/start', { units });
  }

  stop(units: readonly string[]): Promise<UnitsResult> {
    return this.#call('POST', '/v1/stop', { units });
  }

  restart(units: readonly string[]): Promise<UnitsResult> {
    return this.#call('POST', '/v1/restart', { units });
  }

  scale(pools: Readonly<Record<string, number>>): Promise<ScaleResult> {
    return this.#call('POST', '/v1/scale', { pools });
  }

  reload(req: ReloadRequest = {}): Promise<ReloadResult> {
    return this.#call('POST', '/v1/reload', req);
  }

  /** Resolves once the project said it is down and its process has gone. */
  async down(req: DownRequest = {}, onEvent?: (e: ProcsEvent) => void): Promise<void> {
    const pid = await this.#down(req, onEvent);
    await processGone(pid, this.#exitGraceMs);
  }

  /** The down request: resolves with the server's pid once it said it is done and the connection closed. */
  #down(req: DownRequest, onEvent?: (e: ProcsEvent) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      let done = false;
      let pid = 0;
      const req_ = this.#open('POST', '/v1/down', req, (res) => {
        if (res.statusCode !== 200) return void readError(res).then(reject, reject);
        eachLine(res, (line) => {
          const v = JSON.parse(line) as { done?: boolean; pid?: number; error?: WireError } | ProcsEvent;
          if ('done' in v && v.done) {
            done = true;
            pid = v.pid ?? 0;
          } else if ('error' in v && v.error) reject(fromWire(v.error));
          else if ('type' in v) onEvent?.(v);
        });
        res.on('close', () => (done ? resolve(pid) : reject(new ControlError('internal', `the project in ${this.root} went away before it was down`))));
      });
      req_.on('error', (err) => (done ? resolve(pid) : reject(this.#connectionError(err))));
    });
  }

  logs(units: readonly string[], onBatch: (b: LiveBatch) => void): Feed {
    const query = units.map((u) => `unit=${encodeURIComponent(u)}`).join('&');
    return this.#feed(`/v1/logs${query ? `?${query}` : ''}`, (v) => onBatch(v as LiveBatch));
  }

  events(onEvent: (e: ProcsEvent) => void): Feed {
    return this.#feed('/v1/events', (v) => onEvent(v as ProcsEvent));
  }

  /** One request with a JSON answer. */
  #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = this.#open(method, path, body, (res) => {
        if (res.statusCode !== 200) return void readError(res).then(reject, reject);
        void readBody(res).then((text) => resolve(JSON.parse(text) as T), reject);
      });
      req.on('error', (err) => reject(this.#connectionError(err)));
    });
  }

  /** A streaming request: `ready` once the server says it is subscribed. */
  #feed(path: string, onValue: (v: unknown) => void): Feed {
    let ready!: { resolve: () => void; reject: (e: unknown) => void };
    const readyP = new Promise<void>((resolve, reject) => (ready = { resolve, reject }));
    let endedResolve!: () => void;
    const ended = new Promise<void>((resolve) => (endedResolve = resolve));
    const req = this.#open('GET', path, undefined, (res) => {
      if (res.statusCode !== 200) return void readError(res).then(ready.reject, ready.reject).finally(endedResolve);
      eachLine(res, (line) => {
        const v = JSON.parse(line) as { subscribed?: boolean };
        if (v.subscribed) ready.resolve();
        else onValue(v);
      });
      res.on('close', endedResolve);
    });
    req.on('error', (err) => {
      ready.reject(this.#connectionError(err));
      endedResolve();
    });
    readyP.catch(() => undefined);
    return { ready: readyP, ended, close: () => req.destroy() };
  }

  #open(method: string, path: string, body: unknown, onResponse: (res: IncomingMessage) => void): ReturnType<typeof request> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    const req = request({ socketPath: this.socketPath, path, method, headers, agent: false }, onResponse);
    req.end(text);
    return req;
  }

  /** A connection failure in words: not running, or not ours to reach. */
  #connectionError(err: NodeJS.ErrnoException): ControlError {
    const code = err.code ?? '';
    if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'EINVAL') {
      return new ControlError('not-running', `no procs project is running in ${this.root} (no .procs/procs.sock)`);
    }
    if (code === 'EACCES' || code === 'EPERM') {
      return new ControlError('denied', `cannot reach the project in ${this.root}: permission denied (it is run by another user)`);
    }
    return new ControlError('internal', `the project in ${this.root} stopped answering (${err.message})`);
  }
}

/**
 * Resolves once `pid` has exited (gone, or a zombie), at most after `ms`. Its socket closes as
 * it exits, a moment before the kernel has finished with it; this waits out that moment.
 */
async function processGone(pid: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (pid > 0 && Date.now() < deadline && running(pid)) await new Promise((r) => setTimeout(r, 5));
}

/** Whether a process still runs (a zombie has finished running). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

interface WireError {
  readonly code: ControlErrorCode;
  readonly message: string;
  readonly details?: readonly string[];
}

/** A ControlError from its wire form. */
function fromWire(e: WireError): ControlError {
  return new ControlError(e.code, e.message, e.details ?? []);
}

/** The ControlError in an error answer. */
async function readError(res: IncomingMessage): Promise<never> {
  const text = await readBody(res);
  try {
    const v = JSON.parse(text) as { error?: WireError };
    if (v.error) throw fromWire(v.error);
  } catch (err) {
    if (err instanceof ControlError) throw err;
  }
  throw new ControlError('internal', `unexpected answer ${res.statusCode ?? '?'}: ${text.slice(0, 200)}`);
}

/** A whole response body as text. */
async function readBody(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  for await (const chunk of res as AsyncIterable<string>) text += chunk;
  return text;
}

/** Calls `fn` with every complete line of a streaming response. */
function eachLine(res: IncomingMessage, fn: (line: string) => void): void {
  let tail = '';
  res.setEncoding('utf8');
  res.on('error', () => undefined); // a cut connection ends in 'close', which the caller handles
  res.on('data', (chunk: string) => {
    const parts = (tail + chunk).split('\n');
    tail = parts.pop() ?? '';
    for (const line of parts) if (line) fn(line);
  });
}
