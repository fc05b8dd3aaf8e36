// The composition root of a running project: one event bus, the event log, the view, per-unit
// log files, the last-lines ring, health probes and the supervisor, wired once for `up` and `run`.
import { ownerOf, socketReleaser } from './listen.js';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Spec } from '../config/spec.js';
import { EventBus } from '../events/bus.js';
import { EventLog } from '../events/log.js';
import { RecentEvents } from '../events/recent.js';
import { batchSize } from '../events/batch.js';
import type { ProcsEvent } from '../events/types.js';
import { HealthMonitor, type ProbeResults } from '../health/monitor.js';
import { FanOut } from '../output/fanout.js';
import type { OutputSink } from '../events/sink.js';
import { TailBuffer } from '../output/tail.js';
import { UnitLogSink } from '../output/unit-log.js';
import type { StartupPhase } from '../output/startup-steps.js';
import { createStartupPhase, createView, factsFromSpec, type View } from '../output/view.js';
import { realClock, type Clock } from '../base/clock.js';
import { createHost } from '../proc/create-host.js';
import type { PortBook } from '../proc/port-book.js';
import type { ProcessHost } from '../proc/host.js';
import { createRealDriver } from '../proc/real-driver.js';
import { Supervisor } from '../runtime/supervisor.js';
import { LiveOutput } from './live.js';
import { Terminals } from './terminals.js';
import type { Display, WatchFlags } from './options.js';
import { WatchManager, type WatchSettings } from '../watch/manager.js';
import { ProjectNotify } from './notify.js';
import { cronTicks } from './cron.js';
import { StartupRecorder } from './startup-history.js';
import { optimiseOnHeavyOutput, reduceHeap, trimWhenQuiet, type TrimOptions } from './memory.js';
import { outputPool } from '../output/byte-pool.js';
import { forgetLastBatch } from '../output/line-bytes.js';

export interface ProjectOptions {
  readonly spec: Spec;
  readonly out: Writable;
  readonly err: Writable;
  /** Resolves once what was written to `out` is handed on (`Display.written`): `close` waits for it. */
  readonly written?: () => Promise<void>;
  readonly json: boolean;
  readonly color: boolean;
  readonly clock?: Clock;
  /** How the startup phase shows: a task list on a terminal, GitHub Actions groups in CI, or plain lines. */
  readonly startupView?: 'tasks' | 'ci-groups' | 'gitlab-sections';
  /** `--no-watch`, `--ignore` and the units `up` was asked for, for the watch rules. */
  readonly watch?: WatchSettings;
  /** The ports of `port: auto` units, picked when the spec was loaded (`loadProjectSpec`). */
  readonly ports?: PortBook;
  /** The active profiles (kept across reloads): units with other profiles start only when named. */
  readonly profiles?: readonly string[];
  /** When the heap is trimmed after a burst of events (memory.ts); tests give a clock and a trim of their own. */
  readonly heapTrim?: TrimOptions;
}

export interface Project {
  readonly spec: Spec;
  /** The ports of `port: auto` units, kept for the project's life. */
  readonly ports?: PortBook | undefined;
  readonly bus: EventBus;
  /** This run's events in memory (from its `start` event on), for `procs why` and reports. */
  readonly recent: RecentEvents;
  readonly supervisor: Supervisor;
  readonly view: View;
  readonly tail: TailBuffer;
  readonly procsDir: string;
  /** Where output goes (view, log files, last lines, log probes): watch rules' `run` steps write here too. */
  readonly sink: OutputSink;
  /** The startup phase view, when there is one; `run(names)` shows it. */
  readonly startup: StartupPhase | undefined;
  /** Unit output for followers of the control socket (`procs logs -f`). */
  readonly live: LiveOutput;
  /** The units' terminals and stdin, for `procs attach`. */
  readonly terminals: Terminals;
  /** The watch rules: nothing watches until `watch.start()`. */
  readonly watch: WatchManager;
  /** Every OS process of the project: units, watch builds, their guard and the record of their groups. */
  readonly processes: ProcessHost;
  /** The latest probe answers of each unit's current or last run, for `ps --json`. */
  readonly probes: ProbeResults;
  /**
   * Publishes the run's `start` event: the runner calls it once it holds the project (after the
   * claim), right before it starts units, so a procs turned away never writes into its log.
   */
  begin(runner: 'up' | 'run' | 'daemon'): void;
  /** Opens what units need before they start (the notify socket, when a unit listens on one). */
  prepare(): Promise<void>;
  /** Resolves once the unit log files hold every line read so far (they are written behind). */
  logsWritten(): Promise<void>;
  /** Takes the spec a reload or scale arrived at: new names in the view, their log limits and facts. */
  adopt(spec: Spec): void;
  /** Stops (or resumes) showing unit output on the terminal; state lines are still shown. */
  muteOutput(on: boolean): void;
  /** Flushes the view and closes the log files. */
  close(): Promise<void>;
}

/** Wires a project's runtime; nothing starts until `supervisor.start()`. */
export function createProject(o: ProjectOptions): Project {
  const clock = o.clock ?? realClock;
  const procsDir = join(o.spec.root, '.procs');
  const warned = new Set<string>();
  const warnOnce = (key: string, text: string): void => {
    if (warned.has(key)) return;
    warned.add(key);
    o.err.write(`procs: ${text}\n`);
  };
  const bus = new EventBus({ onError: (e) => warnOnce('bus', `an event consumer failed: ${String(e)}`) });
  const eventLog = new EventLog(procsDir, {
    onError: (e) => warnOnce('events', `cannot write ${join(procsDir, 'events.ndjson')} (${e.message}); units keep running, output still shown`),
  });
  const names = o.spec.units.map((u) => u.name);
  let current = o.spec;
  let facts = factsFromSpec(o.spec.units);
  const view = createView({ out: o.out, json: o.json, color: o.color, names, facts: (unit) => facts(unit) });
  let byName = new Map(o.spec.units.map((u) => [u.name, u]));
  const unitLog = new UnitLogSink(join(procsDir, 'logs'), {
    limits: (name) => byName.get(name)?.log,
    onError: (e, unit) => warnOnce('logs', `cannot write the log of ${unit} (${e.message}); units keep running, output still shown`),
  });
  const tail = new TailBuffer(20);
  const recent = new RecentEvents();
  const history = new StartupRecorder({
    root: o.spec.root,
    units: () => current.units,
    // Read only once the run began, long after the supervisor below exists.
    states: () => supervisor.states(),
    events: () => recent.list(),
    onError: (e) => warnOnce('startup', `cannot write ${join(procsDir, 'startup.json')} (${e.message})`),
  });
  const startup = createStartupPhase(o.startupView, {
    out: o.out,
    units: o.spec.units,
    tail,
    color: o.color,
    flush: () => view.flush(),
    history: () => history.previous(),
  });
  let muted = false;
  const shown = startup ? startup.gate(view.sink) : view.sink;
  // While muted (`procs run` during CMD) unit output still reaches the log files and the tail.
  const terminalSink: OutputSink = {
    write: (batch) => (muted ? true : shown.write(batch)),
    onceDrain: (fn) => shown.onceDrain(fn),
  };
  const target = { markReady: (_n: string, _run: number) => {}, markUnhealthy: (_n: string, _r: string, _run: number) => {} };
  // Units outlive a procs killed with SIGKILL unless the guardian (started at the first spawn) ends them.
  const processes = createHost({ guardian: true, ports: o.ports });
  const health = new HealthMonitor(
    clock,
    {
      markReady: (name, run) => target.markReady(name, run),
      markUnhealthy: (name, reason, run) => target.markUnhealthy(name, reason, run),
    },
    processes.runOneShot,
    // Each probe's first answer of a run and each change: the event log's record of why.
    (unit, result) => bus.publish({ type: 'probe', unit, result }),
  );
  const live = new LiveOutput();
  // Once the events of a startup, reload or restart have been quiet a moment, memory is given back.
  const heap = trimWhenQuiet({
    trim: () => {
      // The output buffers kept for reuse go too, and the last batch kept: heavy output is over when the trim runs.
      outputPool.clear();
      forgetLastBatch();
      reduceHeap();
    },
    ...o.heapTrim,
  });
  const tiering = optimiseOnHeavyOutput();
  const heapSink: OutputSink = {
    write: (batch) => {
      const size = batchSize(batch);
      heap.output(size);
      tiering(size);
      return true;
    },
    onceDrain: (fn) => fn(),
  };
  const sink = new FanOut([terminalSink, unitLog, tail, health.logSink(), live, heapSink]);
  const terminals: Terminals = new Terminals({
    state: (unit) => supervisor.status().find((u) => u.name === unit)?.state,
    inputOf: (unit) => {
      const u = byName.get(unit);
      return u?.tty ? 'tty' : u?.stdin ? 'stdin' : 'none';
    },
    live,
    recentLines: (unit) =>
      tail
        .lines(unit)
        .map((l) => `${l.text}\n`)
        .join(''),
  });
  const stopFollowing = terminals.follow(o.out);
  // Messages from a process that is no unit listening on the socket are ignored.
  const notify = new ProjectNotify(
    (sender, fields) => void supervisor.notified(sender, fields),
    (text) => warnOnce('notify', text),
  );
  const supervisor = new Supervisor({
    units: o.spec.units,
    driver: createRealDriver({ sink, clock, host: processes, color: o.color && !o.json, terminals: terminals.hooks, env: (u) => notify.env(u) }),
    clock,
    publish: (e) => bus.publish(e),
    onRunning: (u, run) => health.unitRunning(u, run),
    onEnded: (u, run) => health.unitEnded(u, run),
    ...(o.profiles ? { profiles: o.profiles } : {}),
    cron: cronTicks,
  });
  const watch = new WatchManager(
    o.spec,
    {
      sink,
      processes: createRealDriver({ sink, host: processes }),
      publish: (e) => bus.publish(e),
      restart: (units, request) => supervisor.restartUnits(units, request),
      units: () => supervisor.specs,
      onRules: (rules) => view.addNames(rules),
    },
    o.watch,
  );
  target.markReady = (name, run) => supervisor.markReady(name, run);
  target.markUnhealthy = (name, reason, run) => supervisor.markUnhealthy(name, reason, run);
  bus.subscribe(heap.activity);
  bus.subscribe(eventLog.append);
  bus.subscribe(recent.add);
  bus.subscribe(history.event);
  bus.subscribe(
    socketReleaser({
      units: () => current.units,
      states: () => new Map(supervisor.status().map((u) => [u.name, u.state])),
      release: (owner) => processes.releaseListen(owner),
    }),
  );
  bus.subscribe((e: ProcsEvent) => terminals.event(e));
  bus.subscribe((e: ProcsEvent) => (startup ? startup.event(e, view.event) : view.event(e)));
  return {
    get spec() {
      return current;
    },
    ports: o.ports,
    bus,
    recent,
    supervisor,
    view,
    tail,
    procsDir,
    sink,
    processes,
    probes: health,
    startup,
    live,
    terminals,
    watch,
    begin(runner) {
      history.arm();
      bus.publish({ type: 'start', unit: 'procs', runner, pid: process.pid, ...(o.profiles && o.profiles.length > 0 ? { profiles: o.profiles } : {}) });
    },
    prepare: () => notify.open(current),
    logsWritten: () => unitLog.flushed(),
    adopt(spec) {
      // A unit that listens may be new; the socket opens before the reconciler starts it, bound a moment later.
      void notify.open(spec);
      byName = new Map(spec.units.map((u) => [u.name, u]));
      const kept = new Set([...byName.keys(), ...spec.watch.map((r) => r.name)]);
      for (const name of [...current.units.map((u) => u.name), ...current.watch.map((r) => r.name)]) if (!kept.has(name)) tail.forget(name);
      // Sockets of an owner that no longer listens are let go of (new addresses rebind at the next start).
      const listening = new Set(spec.units.map(ownerOf));
      for (const u of current.units) {
        const owner = ownerOf(u);
        if (owner !== undefined && !listening.has(owner)) processes.releaseListen(owner);
      }
      current = spec;
      facts = factsFromSpec(spec.units);
      view.addNames(spec.units.map((u) => u.name));
    },
    muteOutput(on) {
      muted = on;
    },
    async close() {
      heap.close();
      stopFollowing();
      terminals.close();
      startup?.end();
      await startup?.ended;
      health.stopAll();
      await notify.close();
      view.flush();
      // A terminal written without blocking may still hold output: the summary on stderr comes after it.
      await Promise.all([eventLog.close(), unitLog.close(), o.written?.()]);
      o.ports?.close();
    },
  };
}

/** The project as `up` and `run` wire it for the terminal `d`, with the watch settings `watch`. */
export function createProjectFor(spec: Spec, d: Display, watch: WatchSettings, ports?: PortBook, profiles: readonly string[] = []): Project {
  return createProject({
    spec,
    out: d.out,
    err: d.err,
    ...(d.written ? { written: d.written } : {}),
    json: d.json,
    color: d.color,
    startupView: d.startupView,
    watch,
    profiles,
    ...(ports ? { ports } : {}),
  });
}

/** The watch settings of a command: `--no-watch`, `--ignore`, and the units it names (`names`, as selected, when it names any). */
export function watchSettings(flags: WatchFlags, named: readonly string[], names?: readonly string[]): WatchSettings {
  return { off: flags.off, ignore: flags.ignore, ...(named.length > 0 && names ? { selected: names } : {}) };
}
