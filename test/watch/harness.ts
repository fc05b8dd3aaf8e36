// A watch session on real files and real build processes, with the supervisor replaced by a
// recorder of restart requests. Every process a rule starts carries a tag in its environment;
// after each test, anything still alive with that tag is killed and fails the test.
import { randomUUID } from 'node:crypto';
import { afterEach } from 'node:test';
import type { ProcessUnit, Spec, WatchRule } from '../../src/config/spec.js';
import { createHost } from '../../src/proc/create-host.js';
import { createRealDriver } from '../../src/proc/real-driver.js';
import { createWatchSession, type RestartRequest, type WatchSession } from '../../src/watch/index.js';
import { taggedProcesses } from '../helpers/cli.js';
import { CollectingSink } from '../helpers/sink.js';
import { processUnit, sh } from '../helpers/units.js';
import { EventRecorder } from './support.js';

const sessions: WatchSession[] = [];
const tags: string[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  for (const tag of tags.splice(0)) {
    const left = taggedProcesses(tag);
    for (const pid of left) process.kill(pid, 'SIGKILL');
    if (left.length > 0) throw new Error(`processes left behind: ${left.join(', ')}`);
  }
});

export interface Harness {
  readonly session: WatchSession;
  readonly sink: CollectingSink;
  readonly events: EventRecorder;
  /** Every restart asked for, in order. */
  readonly restarts: { names: readonly string[]; request: RestartRequest }[];
  /** How many lines of a rule's output match `re`. */
  count(re: RegExp, unit?: string): number;
  /** Resolves once at least `n` lines of output match `re`. */
  lines(re: RegExp, n: number, unit?: string): Promise<void>;
  /** Resolves on the next change of `rel` a rule's watcher reports. */
  seen(rel: string): Promise<void>;
}

/** Units for specs: a process `api` and a pool `worker` of two. */
export function units(): ProcessUnit[] {
  return [
    processUnit('api', sh('true')),
    processUnit('worker.0', sh('true'), { kind: 'instance', pool: 'worker', index: 0 }),
    processUnit('worker.1', sh('true'), { kind: 'instance', pool: 'worker', index: 1 }),
  ];
}

/** Starts watching `rules` (their env gains a test tag) and waits until every watcher is ready; `restartHangs`: restarts never finish. */
export async function watchRules(root: string, rules: WatchRule[], opts: { ignore?: string[]; restartHangs?: boolean } = {}): Promise<Harness> {
  const tag = randomUUID();
  tags.push(tag);
  const tagged = rules.map((r) => ({ ...r, env: { ...r.env, PROCS_TEST_TAG: tag } }));
  const spec: Spec = { project: 'watch-test', root, files: [], env: {}, units: units(), pools: [{ name: 'worker', replicas: 2 }], watch: tagged };
  const sink = new CollectingSink();
  const events = new EventRecorder();
  const restarts: Harness['restarts'] = [];
  let seenWaiters: { rel: string; resolve: () => void }[] = [];
  const session = createWatchSession({
    spec,
    ignore: opts.ignore,
    sink,
    processes: createRealDriver({ sink, host: createHost() }),
    publish: events.publish,
    restart: (names, request) => {
      restarts.push({ names, request: { rolling: request.rolling, reason: request.reason } });
      return opts.restartHangs ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    onChange: (_rule, rel) => (seenWaiters = seenWaiters.filter((w) => !(w.rel === rel && (w.resolve(), true)))),
  });
  if (session.rules.length === 0) throw new Error('no rule is on');
  sessions.push(session);
  await session.started;
  const count = (re: RegExp, unit?: string): number => sink.lines(unit).filter((l) => re.test(l)).length;
  return {
    session,
    sink,
    events,
    restarts,
    count,
    lines: (re, n, unit) => sink.waitFor(() => count(re, unit) >= n, `${n} × ${String(re)}`, 30_000),
    seen: (rel) => new Promise((resolve) => seenWaiters.push({ rel, resolve })),
  };
}
