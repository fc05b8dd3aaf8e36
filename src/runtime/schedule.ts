// Scheduled units (`schedule:`): started at each tick instead of kept running. Between runs a unit
// is `scheduled`; each tick starts a run, and a run still going at the next tick follows the
// unit's `concurrency` (forbid: the tick is skipped and counted; allow: another run starts beside
// it, through the driver, outside the unit's lifecycle; replace: the run is stopped like a restart
// and a new one starts). A run that ends, well or badly, waits for the next tick; a failing
// one is retried first when its restart policy says so (`on-failure`). Ticks follow the wall clock
// of the injected Clock: `every` from when procs started the unit, `cron` through the `CronTicks`
// the application gives (croner, loaded only for a spec with a cron schedule).
import { isoTime, type Clock, type TimerHandle } from '../base/clock.js';
import type { ScheduleSpec, UnitSpec } from '../config/spec.js';
import { describeExit } from '../events/exit.js';
import type { ExitInfo } from '../events/types.js';
import type { LastRun, ScheduleInfo } from '../events/unit-row.js';
import type { ProcessDriver, RunningProcess } from './driver.js';
import { awaitingTick, endingOf, isLive, type Live, type PhaseOf, type UnitRecord } from './lifecycle.js';
import type { EventInput, UnitRuns } from './unit-runs.js';

export type { ScheduleInfo } from '../events/unit-row.js';

/** The first tick strictly after `afterWall` (wall-clock ms), null when there is none. */
export type NextTick = (afterWall: number) => number | null;

/** Makes the ticks of a cron expression in a time zone (the system's when undefined). */
export type CronTicks = (cron: string, timezone: string | undefined) => NextTick;

/** What the schedules need from the supervisor. */
export interface SchedulesHost {
  readonly clock: Clock;
  readonly runs: UnitRuns;
  /** Starts, stops and kills the runs beside a unit's own (`concurrency: allow`). */
  readonly driver: ProcessDriver;
  readonly cron?: CronTicks | undefined;
  /** A run beside ended: the project may be idle now. */
  checkIdle(): void;
  record(name: string): UnitRecord | undefined;
  emit(e: EventInput): void;
  shuttingDown(): boolean;
  /** Stops the unit's run and starts it again (concurrency: replace); `begin` starts the new run. */
  replace(name: string, reason: string): Promise<void>;
}

interface Armed {
  readonly due: number | null;
  readonly timer: TimerHandle | undefined;
  readonly next: NextTick;
}

/** The tick times of one schedule, counted from `origin` (wall-clock ms) for `every`. */
export function ticksOf(schedule: ScheduleSpec, origin: number, cron: CronTicks | undefined): NextTick {
  const every = schedule.everyMs;
  if (every !== undefined) return (after) => origin + (Math.floor(Math.max(0, after - origin) / every) + 1) * every;
  if (schedule.cron === undefined) return () => null;
  if (!cron) throw new Error('cron schedules are not available here');
  return cron(schedule.cron, schedule.timezone);
}

export class Schedules {
  readonly #host: SchedulesHost;
  readonly #armed = new Map<string, Armed>();
  readonly #last = new Map<string, LastRun>();
  /** Ticks skipped: in all, and during the current run (said on its exit). */
  readonly #skipped = new Map<string, { total: number; run: number }>();
  /** Units whose run is being replaced: their ticks go on, and the next start is at once. */
  readonly #replacing = new Set<string>();
  /** Runs going beside a unit's own (`concurrency: allow`), until each has exited and its group is empty. */
  readonly #beside = new Map<string, { readonly spec: UnitSpec; readonly procs: Set<RunningProcess> }>();

  constructor(host: SchedulesHost) {
    this.#host = host;
  }

  /**
   * A scheduled unit whose dependencies hold: it waits for its first tick, or runs at once
   * (`run_on_start`, or the new run of a replace). Returns the run started, if any.
   */
  begin(r: UnitRecord, from: PhaseOf<'pending'>): RunningProcess | undefined {
    const name = r.spec.name;
    const schedule = r.spec.schedule;
    if (!schedule) return undefined;
    // A scheduled unit counts as up while it waits: dependents that wait for it to start go.
    r.everStarted = true;
    r.everReady = true;
    if (this.#replacing.delete(name)) return this.#run(r, from);
    this.stopped(name);
    const now = this.#host.clock.wallNow();
    let next: NextTick;
    try {
      next = ticksOf(schedule, now, this.#host.cron);
    } catch (err) {
      next = () => null;
      this.#host.emit({ type: 'failed', unit: name, reason: `no schedule: ${err instanceof Error ? err.message : String(err)}`, state: 'scheduled' });
    }
    this.#arm(name, next, next(now));
    if (schedule.runOnStart) return this.#run(r, from);
    r.phase = awaitingTick(from, this.#armed.get(name)?.due ?? null);
    return undefined;
  }

  /** A unit was stopped, or everything is: its ticks end (unless its run is being replaced). */
  stopped(name: string): void {
    if (this.#replacing.has(name) && !this.#host.shuttingDown()) return;
    this.#armed.get(name)?.timer?.cancel();
    this.#armed.delete(name);
  }

  /** A run is over: a scheduled unit's waits for its next tick (true); any other unit's is not handled here (false). */
  runOver(r: UnitRecord, from: Live, exit: ExitInfo, failure: string | undefined): boolean {
    if (!r.spec.schedule) return false;
    const name = r.spec.name;
    const clock = this.#host.clock;
    this.#last.set(name, {
      started_at: r.startedAt,
      ended_at: isoTime(clock.wallNow()),
      ok: failure === undefined,
      code: exit.code,
      signal: exit.signal,
      reason: failure ?? null,
    });
    r.phase = awaitingTick(from, this.#armed.get(name)?.due ?? null);
    const skipped = this.#skipped.get(name);
    const during = skipped?.run ?? 0;
    if (skipped) skipped.run = 0;
    this.#host.emit({ type: 'exit', unit: name, exit, state: 'scheduled', ...(during > 0 ? { skipped: during } : {}) });
    return true;
  }

  /** What `ps` shows of a scheduled unit. */
  info(name: string): ScheduleInfo {
    const due = this.#armed.get(name)?.due;
    return {
      next_run: due === undefined || due === null ? null : isoTime(due),
      last_run: this.#last.get(name) ?? null,
      skipped: this.#skipped.get(name)?.total ?? 0,
      beside: this.#beside.get(name)?.procs.size ?? 0,
    };
  }

  /** Whether a run beside a unit's own is still going. */
  busy(): boolean {
    for (const b of this.#beside.values()) if (b.procs.size > 0) return true;
    return false;
  }

  /** Stops the runs beside the unit's own (the unit is stopped); resolves once they are gone. */
  async stopBeside(name: string): Promise<void> {
    const b = this.#beside.get(name);
    if (b) await Promise.all([...b.procs].map((proc) => this.#host.driver.stop(b.spec, proc)));
  }

  /** Kills every run beside (a second Ctrl-C). */
  killBeside(): void {
    for (const b of this.#beside.values()) for (const proc of b.procs) this.#host.driver.kill(b.spec, proc);
  }

  #arm(name: string, next: NextTick, due: number | null): void {
    const clock = this.#host.clock;
    const armed: Armed = {
      due,
      next,
      timer: due === null ? undefined : clock.setTimer(due - clock.wallNow(), () => this.#tick(name, armed)),
    };
    this.#armed.set(name, armed);
  }

  #tick(name: string, armed: Armed): void {
    if (this.#armed.get(name) !== armed || armed.due === null) return;
    const host = this.#host;
    const r = host.record(name);
    if (!r || !r.wanted || host.shuttingDown()) {
      this.#armed.delete(name);
      return;
    }
    // The next tick after this one, even when the timer fired a little before its time.
    this.#arm(name, armed.next, armed.next(Math.max(armed.due, host.clock.wallNow())));
    const p = r.phase;
    if (p.kind === 'scheduled') {
      const proc = this.#run(r, p);
      if (proc) host.runs.started(r, proc);
      return;
    }
    if (!(isLive(p) || p.kind === 'backoff') || endingOf(p)) return;
    if (r.spec.schedule?.concurrency === 'allow') {
      this.#runBeside(r);
      return;
    }
    if (r.spec.schedule?.concurrency === 'replace') {
      this.#replacing.add(name);
      void host.replace(name, 'replaced by its next scheduled run').finally(() => this.#replacing.delete(name));
      return;
    }
    const skipped = this.#skipped.get(name) ?? { total: 0, run: 0 };
    skipped.total += 1;
    skipped.run += 1;
    this.#skipped.set(name, skipped);
  }

  // A run beside the unit's own: its output is the unit's, its end is the unit's last run; the
  // unit's state stays what its own run makes it.
  #runBeside(r: UnitRecord): void {
    const host = this.#host;
    const spec = r.spec;
    const name = spec.name;
    const startedAt = isoTime(host.clock.wallNow());
    const proc = host.driver.start(spec);
    const b = this.#beside.get(name) ?? { spec, procs: new Set<RunningProcess>() };
    b.procs.add(proc);
    this.#beside.set(name, b);
    const state = () => host.record(name)?.phase.kind ?? 'scheduled';
    if (proc.pid !== undefined) host.emit({ type: 'spawn', unit: name, pid: proc.pid, attempt: 0, state: state() });
    void proc.exited.then(async (exit) => {
      await host.driver.settle(spec, proc);
      await proc.outputDone;
      b.procs.delete(proc);
      const ok = exit.signal === null && exit.code !== null && spec.restart.successCodes.includes(exit.code);
      const ended = isoTime(host.clock.wallNow());
      this.#last.set(name, { started_at: startedAt, ended_at: ended, ok, code: exit.code, signal: exit.signal, reason: ok ? null : describeExit(exit) });
      host.emit({ type: 'exit', unit: name, exit, state: state() });
      host.checkIdle();
    });
  }

  // Starts a run; a new run begins a new restart series, so its start reads as a start.
  #run(r: UnitRecord, from: PhaseOf<'pending' | 'scheduled'>): RunningProcess {
    r.attempts = 0;
    r.restarts = 0;
    return this.#host.runs.start(r, from);
  }
}
