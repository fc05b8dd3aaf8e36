// In-process fakes for the control layer: a driver whose processes stop at once, a spec loader
// fed from a small description (so a test "edits the file" by changing an object), and a
// project wired from a real Supervisor, EventBus and LiveOutput around them.
import type { LoadOptions, LoadResult } from '../../src/config/index.js';
import type { RestartSpec, Spec, UnitSpec } from '../../src/config/spec.js';
import type { ControlledProject } from '../../src/app/controller.js';
import { LiveOutput } from '../../src/app/live.js';
import { TailBuffer } from '../../src/output/tail.js';
import { EventBus } from '../../src/events/bus.js';
import type { ExitInfo, ProcsEvent } from '../../src/events/types.js';
import { realClock } from '../../src/base/clock.js';
import type { ProcessDriver, RunningProcess } from '../../src/runtime/driver.js';
import { Supervisor } from '../../src/runtime/supervisor.js';
import { DEFAULT_RESTART, processUnit, sh } from '../helpers/units.js';

/** A driver whose processes run until stopped (or `exit` is called), and stop at once. */
export class InstantDriver implements ProcessDriver {
  readonly started: string[] = [];
  /** Each stop: unit name and the stop timeout it was given. */
  readonly stops: [string, number][] = [];
  /**
   * Whether a pid comes later, when `answer` gives it (as the spawner's answer read through the
   * event loop), or at once when `pid` is read (as a blocking read of it would).
   */
  latePids = false;
  /** Units whose pid was read before its answer came: what the blocking read would have taken. */
  readonly forced: string[] = [];
  #pid = 1000;
  readonly #exits = new Map<string, (e: Partial<ExitInfo>) => void>();
  readonly #answers = new Map<string, () => void>();

  start(u: UnitSpec): RunningProcess {
    this.started.push(u.name);
    let resolve!: (e: ExitInfo) => void;
    const exited = new Promise<ExitInfo>((r) => (resolve = r));
    this.#exits.set(u.name, (e) => resolve({ code: 0, signal: null, status: 0, durationMs: 1, ...e }));
    const next = ++this.#pid;
    if (!this.latePids) return { pid: next, exited, outputDone: Promise.resolve() };
    let pid: number | undefined;
    const waiting: (() => void)[] = [];
    const answer = (): void => {
      if (pid !== undefined) return;
      pid = next;
      for (const fn of waiting.splice(0)) fn();
    };
    this.#answers.set(u.name, answer);
    const forced = this.forced;
    return {
      get pid() {
        if (pid === undefined) forced.push(u.name);
        answer();
        return pid;
      },
      exited,
      outputDone: Promise.resolve(),
      whenStarted: (fn) => (pid === undefined ? waiting.push(fn) : fn()),
    };
  }

  /** The answer of a unit's spawn comes (with `latePids`). */
  answer(name: string): void {
    this.#answers.get(name)?.();
  }

  async stop(u: UnitSpec): Promise<{ forced: boolean }> {
    this.stops.push([u.name, u.stop.timeoutMs]);
    this.exit(u.name, { code: null, signal: 'SIGTERM', status: 143 });
    return { forced: false };
  }

  kill(u: UnitSpec): void {
    this.exit(u.name, { code: null, signal: 'SIGKILL', status: 137 });
  }

  async settle(): Promise<void> {}

  /** Ends a unit's current process as if it exited by itself. */
  exit(name: string, e: Partial<ExitInfo>): void {
    this.#exits.get(name)?.(e);
  }
}

/** The spec "file": commands of processes, and pools with their declared replicas. */
export interface SpecText {
  processes: Record<string, string>;
  pools: Record<string, { command: string; replicas: number }>;
  broken?: boolean;
}

/** A loader reading `text` as the spec, honouring `formation` for pool sizes. */
export function fakeLoader(text: SpecText): (o: LoadOptions) => Promise<LoadResult> {
  return async (o) => {
    const files = ['/p/procs.yaml'];
    if (text.broken) return { files, diagnostics: [{ file: '/p/procs.yaml', line: 3, col: 5, message: 'expected a map', severity: 'error' }] };
    return { files, diagnostics: [], spec: buildSpec(text, o.formation ?? {}) };
  };
}

/** The normalized spec of a description. */
export function buildSpec(text: SpecText, formation: Readonly<Record<string, number>> = {}): Spec {
  // A command starting with `never:` is a unit that is not restarted.
  const restart = (cmd: string): RestartSpec => (cmd.startsWith('never:') ? { ...DEFAULT_RESTART, policy: 'never' } : DEFAULT_RESTART);
  const units: UnitSpec[] = Object.entries(text.processes).map(([name, cmd]) => processUnit(name, sh(cmd), { hash: cmd, restart: restart(cmd) }));
  const pools = Object.entries(text.pools).map(([name, p]) => ({ name, replicas: formation[name] ?? p.replicas }));
  for (const pool of pools) {
    const cmd = text.pools[pool.name]?.command ?? '';
    for (let i = 0; i < pool.replicas; i++)
      units.push(processUnit(`${pool.name}.${i}`, sh(cmd), { kind: 'instance', pool: pool.name, index: i, hash: `${cmd}#${i}` }));
  }
  return { project: 'p', root: '/p', files: ['/p/procs.yaml'], env: {}, units, pools, watch: [] };
}

/** A project around a real supervisor on the instant driver; `events` collects what is published. */
export function fakeProject(spec: Spec): ControlledProject & { driver: InstantDriver; events: ProcsEvent[]; tail: TailBuffer } {
  const bus = new EventBus();
  const driver = new InstantDriver();
  const events: ProcsEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const supervisor = new Supervisor({ units: spec.units, driver, clock: realClock, publish: (e) => bus.publish(e) });
  let current = spec;
  return {
    get spec() {
      return current;
    },
    bus,
    supervisor,
    live: new LiveOutput(),
    tail: new TailBuffer(20),
    logsWritten: async () => undefined,
    driver,
    events,
    adopt(next) {
      current = next;
    },
  };
}
