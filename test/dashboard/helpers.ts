// A dashboard over a fake ControlApi (actions recorded, events and output fed by the test, the
// logs feed's readiness held until the test lets it go), and plain HTTP requests to it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ControlError, type ControlApi, type Feed, type LiveBatch, type ProjectStatus } from '../../src/control/api.js';
import type { UnitRow } from '../../src/events/unit-row.js';
import type { ProcsEvent } from '../../src/events/types.js';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../src/dashboard/start.js';

export interface Fake {
  readonly dir: string;
  readonly logsDir: string;
  readonly settingsFile: string;
  readonly assetsDir: string;
  readonly api: ControlApi;
  /** Actions the API was asked for, as `start a,b`. */
  readonly calls: string[];
  readonly recent: ProcsEvent[];
  status: ProjectStatus;
  /** Publishes an event (to recent and to the subscribers). */
  emit(e: ProcsEvent): void;
  /** Hands a batch of output to the logs followers. */
  output(b: LiveBatch): void;
  /** Subscribers now: events and logs feeds. */
  subscribers(): { events: number; logs: number };
  /** Holds every later logs feed's `ready` until `release`. */
  holdReady(): { release: () => void };
  /** Lets `down` resolve. */
  finishDown: () => void;
  /** Resolves once `down` has been asked for. */
  readonly downAsked: Promise<void>;
  /** Resolves the next time a logs feed is closed. */
  logsClosed(): Promise<void>;
  cleanup(): void;
}

export function row(name: string, extra: Partial<UnitRow> = {}): UnitRow {
  return {
    name,
    kind: 'process',
    pool: null,
    state: 'running',
    pid: 100,
    restarts: 0,
    started_at: null,
    exit: { code: null, signal: null },
    health: { readiness: null, liveness: null },
    reason: null,
    ...extra,
  };
}

export function ev(unit: string, n: number): ProcsEvent {
  return { ts: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(), type: 'spawn', unit, pid: n, attempt: 1, state: 'running' };
}

function feedOf(set: Set<unknown>, item: unknown, ready: Promise<void>, onClose: () => void = () => undefined): Feed {
  let end!: () => void;
  const ended = new Promise<void>((r) => (end = r));
  set.add(item);
  return { ready, ended, close: () => (set.delete(item), end(), onClose()) };
}

export function fakeProject(units: UnitRow[] = [row('web'), row('api')], pools: { name: string; replicas: number }[] = []): Fake {
  const dir = mkdtempSync(join(tmpdir(), 'procs-dash-'));
  const logsDir = join(dir, '.procs/logs');
  mkdirSync(logsDir, { recursive: true });
  const assetsDir = join(dir, 'assets');
  mkdirSync(assetsDir);
  writeFileSync(join(assetsDir, 'index.html'), '<!doctype html><title>procs</title><script src="/assets/app.js"></script>');
  writeFileSync(join(assetsDir, 'app.js'), 'console.log(1);');
  writeFileSync(join(assetsDir, 'app.css'), 'body{}');
  writeFileSync(join(assetsDir, 'icon-ok.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  writeFileSync(join(dir, 'secret.txt'), 'not for the page');
  const eventSubs = new Set<(e: ProcsEvent) => void>();
  const logSubs = new Set<(b: LiveBatch) => void>();
  const calls: string[] = [];
  const recent: ProcsEvent[] = [];
  let gate: Promise<void> = Promise.resolve();
  let finishDown: () => void = () => undefined;
  let downAsked!: () => void;
  const asked = new Promise<void>((r) => (downAsked = r));
  const closeWaiters: (() => void)[] = [];
  const fake: Fake = {
    dir,
    logsDir,
    settingsFile: join(dir, '.procs/dashboard.json'),
    assetsDir,
    calls,
    recent,
    status: { project: 'demo', root: dir, pid: process.pid, started_at: '2026-01-01T00:00:00.000Z', files: [], pools, units },
    emit(e) {
      recent.push(e);
      for (const fn of eventSubs) fn(e);
    },
    output(b) {
      for (const fn of logSubs) fn(b);
    },
    subscribers: () => ({ events: eventSubs.size, logs: logSubs.size }),
    holdReady() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return { release };
    },
    get finishDown() {
      return finishDown;
    },
    downAsked: asked,
    logsClosed: () => new Promise((r) => closeWaiters.push(r)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    api: {
      status: async () => fake.status,
      started: async () => undefined,
      start: async (u) => {
        calls.push(`start ${u.join(',')}`);
        if (u.includes('nope')) throw new ControlError('unknown-unit', "no unit named 'nope'");
        return { units: u.map((n) => row(n)) };
      },
      stop: async (u) => (calls.push(`stop ${u.join(',')}`), { units: u.map((n) => row(n, { state: 'stopped' })) }),
      restart: async (u) => (calls.push(`restart ${u.join(',')}`), { units: u.map((n) => row(n)) }),
      scale: async (p) => (calls.push(`scale ${JSON.stringify(p)}`), { actions: Object.keys(p) }),
      reload: async () => (calls.push('reload'), { actions: [], warnings: [], started: [] }),
      down: async () => {
        calls.push('down');
        downAsked();
        await new Promise<void>((r) => (finishDown = r));
      },
      logs: (_u, onBatch) => feedOf(logSubs, onBatch, gate, () => closeWaiters.splice(0).forEach((r) => r())),
      tail: async () => ({ units: [] }),
      events: (onEvent) => feedOf(eventSubs, onEvent, Promise.resolve()),
      why: async () => ({ units: [] }),
      usage: async () => {
        throw new Error('no ps here');
      },
      dashboard: async () => {
        throw new Error('not here');
      },
      attach: () => {
        throw new Error('not here');
      },
    },
  };
  return fake;
}

/** A dashboard over the fake. */
export function serve(f: Fake, options: DashboardOptions = {}): Promise<Dashboard> {
  return startDashboard(
    {
      api: f.api,
      recent: () => [...f.recent],
      logsDir: f.logsDir,
      settingsFile: f.settingsFile,
      graph: () => ({ project: 'demo', nodes: f.status.units.map((u) => ({ name: u.name, kind: 'process' as const, state: u.state })), edges: [] }),
      logsWritten: async () => undefined,
    },
    { assetsDir: f.assetsDir, ...options },
  );
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Req {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** `::1` to ask over IPv6. */
  readonly host?: string;
}

/** One request to 127.0.0.1:`port` (the Host header says so unless told otherwise). */
export function request(port: number, r: Req = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: r.host ?? '127.0.0.1', port, method: r.method ?? 'GET', path: r.path ?? '/', headers: r.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** The session cookie, by exchanging the token of `url` (the dashboard's URL). */
export async function signIn(url: string): Promise<string> {
  const u = new URL(url);
  const a = await request(Number(u.port), { path: `/${u.search}` });
  if (a.status !== 303) throw new Error(`token exchange answered ${a.status}: ${a.body}`);
  const cookie = a.headers['set-cookie']?.[0] ?? '';
  return cookie.split(';')[0] ?? '';
}

/** A POST as the page sends it. */
export function action(port: number, cookie: string, path: string, body: unknown): Promise<Answer> {
  return request(port, {
    method: 'POST',
    path,
    headers: { cookie, 'content-type': 'application/json', 'x-procs-action': '1' },
    body: JSON.stringify(body),
  });
}
