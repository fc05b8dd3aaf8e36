// The CLI's side of the control socket: the ControlApi over HTTP on a Unix socket, spoken
// through the small HTTP/1.0 exchange of exchange.ts so that `procs ps` and friends start fast.
// Connection failures become ControlErrors that say which project is not running, or that it
// belongs to someone else.
import { readFileSync } from 'node:fs';
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
  type TailResult,
  type UnitsResult,
} from './api.js';
import { Exchange } from './exchange.js';

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
  async #down(req: DownRequest, onEvent?: (e: ProcsEvent) => void): Promise<number> {
    const x = await this.#exchange('POST', '/v1/down', req);
    let pid: number | undefined;
    let error: ControlError | undefined;
    x.onLine((line) => {
      const v = JSON.parse(line) as { done?: boolean; pid?: number; error?: WireError } | ProcsEvent;
      if ('done' in v && v.done) pid = v.pid ?? 0;
      else if ('error' in v && v.error) error = fromWire(v.error);
      else if ('type' in v) onEvent?.(v);
    });
    await x.closed;
    if (error) throw error;
    if (pid === undefined) throw new ControlError('internal', `the project in ${this.root} went away before it was down`);
    return pid;
  }

  logs(units: readonly string[], onBatch: (b: LiveBatch) => void): Feed {
    const query = units.map((u) => `unit=${encodeURIComponent(u)}`).join('&');
    return this.#feed(`/v1/logs${query ? `?${query}` : ''}`, (v) => onBatch(v as LiveBatch));
  }

  tail(units: readonly string[], lines?: number): Promise<TailResult> {
    const query = [...units.map((u) => `unit=${encodeURIComponent(u)}`), ...(lines === undefined ? [] : [`lines=${lines}`])].join('&');
    return this.#call('GET', `/v1/tail${query ? `?${query}` : ''}`);
  }

  events(onEvent: (e: ProcsEvent) => void): Feed {
    return this.#feed('/v1/events', (v) => onEvent(v as ProcsEvent));
  }

  /** One request with a JSON answer. */
  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const x = await this.#exchange(method, path, body);
    return JSON.parse(await x.text()) as T;
  }

  /** A streaming request: `ready` once the server says it is subscribed. */
  #feed(path: string, onValue: (v: unknown) => void): Feed {
    const x = new Exchange(this.socketPath, 'GET', path);
    const ready = (async () => {
      await this.#answered(x);
      await new Promise<void>((resolve) =>
        x.onLine((line) => {
          const v = JSON.parse(line) as { subscribed?: boolean };
          if (v.subscribed) resolve();
          else onValue(v);
        }),
      );
    })();
    ready.catch(() => undefined);
    return { ready, ended: x.closed, close: () => x.destroy() };
  }

  /** Sends a request; resolves once it was answered 200, else rejects with the ControlError. */
  async #exchange(method: string, path: string, body?: unknown): Promise<Exchange> {
    const x = new Exchange(this.socketPath, method, path, body);
    await this.#answered(x);
    return x;
  }

  /** Waits for a 200 answer; a connection failure or an error answer becomes a ControlError. */
  async #answered(x: Exchange): Promise<void> {
    const status = await x.status.catch((err: NodeJS.ErrnoException) => {
      throw this.#connectionError(err);
    });
    if (status !== 200) throw errorFrom(status, await x.text());
  }

  /** A connection failure in words: not running, or not ours to reach. */
  #connectionError(err: NodeJS.ErrnoException): ControlError {
    const code = err.code ?? '';
    if (['ENOENT', 'ENOTDIR', 'ECONNREFUSED', 'ENOTSOCK', 'EINVAL'].includes(code)) {
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
function errorFrom(status: number, text: string): ControlError {
  try {
    const v = JSON.parse(text) as { error?: WireError };
    if (v.error) return fromWire(v.error);
  } catch {
    // not JSON: said below
  }
  return new ControlError('internal', `unexpected answer ${status}: ${text.slice(0, 200)}`);
}
