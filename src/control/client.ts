// The CLI's side of the control socket: the ControlApi over HTTP on a Unix socket, spoken
// through the small HTTP/1.0 exchange of exchange.ts so that `procs ps` and friends start fast.
// Connection failures become ControlErrors that say which project is not running, or that it
// belongs to someone else.
import { readProc } from '../proc/procfs.js';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseDuration } from '../config/durations.js';
import type { ProcsEvent } from '../events/types.js';
import {
  ControlError,
  type AttachClient,
  type AttachSession,
  type ControlApi,
  type ControlErrorCode,
  type DashboardInfo,
  type DashboardRequest,
  type DownRequest,
  type Feed,
  type LiveBatch,
  type ProjectStatus,
  type ReloadRequest,
  type ReloadResult,
  type ScaleResult,
  type TailResult,
  type UnitsResult,
  type UsageResult,
  type WhyResult,
} from './api.js';
import { Exchange } from './exchange.js';
import { openAttach } from './attach-client.js';
import type { WindowSize } from '../proc/unit-input.js';
import { untrustedSocket } from '../rundir/paths.js';

/** How long `down` waits, after the project said it is down, for its process to be gone. */
const EXIT_GRACE_MS = 10_000;
/** How long the project has to answer a request (or, for one that takes long, a status beside it). */
const ANSWER_TIMEOUT_MS = 10_000;
/** Environment variable overriding that time: a duration such as `10s` or `500ms`, or seconds. */
const TIMEOUT_ENV = 'PROCS_CLIENT_TIMEOUT';

/** The answer timeout the environment asks for, else 10 s. */
export function answerTimeout(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[TIMEOUT_ENV]?.trim();
  if (!v) return ANSWER_TIMEOUT_MS;
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  return ms !== undefined && ms > 0 ? ms : ANSWER_TIMEOUT_MS;
}

/** Requests whose answer comes once units have started or stopped: they may take long. */
const PATIENT = new Set(['/v1/start', '/v1/stop', '/v1/restart', '/v1/scale', '/v1/reload']);

export class ControlClient implements ControlApi {
  readonly socketPath: string;
  /** The project folder, for messages. */
  readonly root: string;

  readonly #exitGraceMs: number;
  readonly #timeoutMs: number;

  /**
   * `exitGraceMs`: how long `down` waits for the server's process to be gone after it said so;
   * `timeoutMs`: how long the server has to answer (see `answerTimeout`).
   */
  constructor(socketPath: string, root: string, exitGraceMs = EXIT_GRACE_MS, timeoutMs = answerTimeout()) {
    this.socketPath = socketPath;
    this.root = root;
    this.#exitGraceMs = exitGraceMs;
    this.#timeoutMs = timeoutMs;
  }

  status(): Promise<ProjectStatus> {
    return this.#call('GET', '/v1/status');
  }

  async started(): Promise<void> {
    let seen = false;
    const feed = this.#feed('/v1/started', (v) => (seen ||= (v as { started?: boolean }).started === true));
    await feed.ready;
    await feed.ended;
    if (!seen) throw new ControlError('internal', `the project in ${this.root} went away while it was starting`);
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

  dashboard(req: DashboardRequest = {}): Promise<DashboardInfo> {
    return this.#call('POST', '/v1/dashboard', req);
  }

  usage(): Promise<UsageResult> {
    return this.#call('GET', '/v1/usage');
  }

  why(units: readonly string[]): Promise<WhyResult> {
    const query = units.map((u) => `unit=${encodeURIComponent(u)}`).join('&');
    return this.#call('GET', `/v1/why${query ? `?${query}` : ''}`);
  }

  attach(unit: string, client: AttachClient, size?: WindowSize): AttachSession {
    const c = { socketPath: this.socketPath, timeoutMs: this.#timeoutMs, refusal: this.#refusal() };
    return openAttach({ ...c, connectionError: (err) => this.#connectionError(err), noAnswer: () => this.#noAnswer() }, unit, client, size);
  }

  /** One request with a JSON answer. */
  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const x = await this.#exchange(method, path, body);
    return JSON.parse(await x.text()) as T;
  }

  /** A streaming request: `ready` once the server says it is subscribed. */
  #feed(path: string, onValue: (v: unknown) => void): Feed {
    const refused = this.#refusal();
    if (refused) {
      const ready = Promise.reject(refused);
      ready.catch(() => undefined);
      return { ready, ended: Promise.resolve(), close: () => undefined };
    }
    const x = new Exchange(this.socketPath, 'GET', path, undefined, Date.now() + this.#timeoutMs);
    const ready = (async () => {
      await this.#answered(x, path);
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
    const refused = this.#refusal();
    if (refused) throw refused;
    const x = new Exchange(this.socketPath, method, path, body, Date.now() + this.#timeoutMs);
    await this.#answered(x, path);
    return x;
  }

  /**
   * Waits for a 200 answer; a connection failure or an error answer becomes a ControlError, and
   * so does no answer in time: a frozen project must not hang the command. A request that waits
   * on units (`PATIENT`) may take longer, as long as the project answers a status beside it.
   */
  async #answered(x: Exchange, path: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const patient = PATIENT.has(path);
    const deadline = new Promise<never>((_resolve, reject) => {
      const expire = (): void => {
        if (!patient) return reject(this.#noAnswer());
        void this.#responsive().then((ok) => (ok ? (timer = setTimeout(expire, this.#timeoutMs)) : reject(this.#noAnswer())));
      };
      timer = setTimeout(expire, this.#timeoutMs);
    });
    let status: number;
    try {
      status = await Promise.race([
        x.status.catch((err: NodeJS.ErrnoException) => {
          throw this.#connectionError(err);
        }),
        deadline,
      ]);
    } catch (err) {
      x.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (status !== 200) throw errorFrom(status, await x.text());
  }

  /** Whether the project answers a status within the timeout. */
  async #responsive(): Promise<boolean> {
    const probe = new Exchange(this.socketPath, 'GET', '/v1/status');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.#timeoutMs)));
    try {
      return await Promise.race([
        probe.status.then(
          () => true,
          () => false,
        ),
        late,
      ]);
    } finally {
      clearTimeout(timer);
      probe.destroy();
    }
  }

  /** The error for a project that did not answer in time, naming its process. */
  #noAnswer(): ControlError {
    const pid = Number.parseInt(readText(join(this.root, '.procs/procs.pid')), 10);
    const who = Number.isInteger(pid) && pid > 0 ? `the procs daemon (pid ${pid})` : `the procs daemon of ${this.root}`;
    const t = this.#timeoutMs;
    const within = t % 1000 === 0 ? `${t / 1000}s` : `${t}ms`;
    return new ControlError('no-answer', `${who} did not answer within ${within} (is it stopped or overloaded? ${TIMEOUT_ENV} sets this time)`);
  }

  /**
   * Why the socket must not be used, or undefined: a socket only this user could have put where
   * it is leads to this user's project; any other could be someone's fake of it.
   */
  #refusal(): ControlError | undefined {
    const bad = untrustedSocket(this.socketPath);
    if (!bad) return undefined;
    if (bad.kind === 'missing') return this.#connectionError(Object.assign(new Error('no socket'), { code: 'ENOENT' }));
    if (dirname(this.socketPath) === join(this.root, '.procs')) {
      return new ControlError('denied', `cannot reach the project in ${this.root}: permission denied (it is run by another user): ${bad.why}`);
    }
    return new ControlError('denied', `refusing the control socket ${this.socketPath} of ${this.root}: ${bad.why}; someone else may have put it there`);
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

/** A file's text, or '' when it cannot be read. */
function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Whether a process still runs (a zombie has finished running). */
function running(pid: number): boolean {
  const state = readProc(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
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
