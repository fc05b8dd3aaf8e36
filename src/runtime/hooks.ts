// A unit's hooks (`hooks:` in the spec), as the core runs them through the driver's `runHook`:
//
// - post_start, once a run is up (ready, when it has a readiness probe; else running). Until it
//   has succeeded the run does not count as ready for dependents (`condition: healthy`); a
//   dependent with `condition: started` does not wait for it. A failure ends the run under the
//   restart policy (unit-runs.ts). It is canceled when its run ends.
// - pre_stop, before the stop signal when procs stops a run that is still alive. Its time counts
//   into the stop timeout: what is left of it is the stop signal's; once it is all spent, the hook
//   is killed and the unit gets SIGKILL.
// - on_failure, once the unit has failed for good, with PROCS_FAILED_UNIT, PROCS_EXIT_CODE and
//   PROCS_EXIT_SIGNAL. The supervisor is not idle, and a stop of everything does not resolve,
//   until it has ended.
//
// Each hook's start and end are `hook` events. A second Ctrl-C (killAll) cancels every hook.
import type { Clock } from '../base/clock.js';
import type { HookName, UnitSpec } from '../config/spec.js';
import type { DistributiveOmit } from '../events/bus.js';
import type { ExitInfo, ProcsEvent } from '../events/types.js';
import { describeHookEnd } from '../events/exit.js';
import type { HookResult, ProcessDriver, RunningProcess } from './driver.js';

export interface HooksHost {
  readonly driver: ProcessDriver;
  readonly clock: Clock;
  emit(e: DistributiveOmit<ProcsEvent, 'ts'>): void;
  /** An on_failure hook ended: idle waiters may go. */
  checkIdle(): void;
}

/** How a post_start hook ended: `reason` names the hook and how it ended when it failed. */
export type PostStartOutcome = { readonly ok: true } | { readonly ok: false; readonly canceled: boolean; readonly reason: string };

const NO_DRIVER_SUPPORT: HookResult = { status: null, timedOut: false, canceled: false, error: 'hooks cannot run here' };

export class UnitHooks {
  readonly #host: HooksHost;
  /** post_start hooks under way, by unit: canceled when the run ends. */
  readonly #postStart = new Map<string, AbortController>();
  /** Every hook under way, canceled together by `cancelAll`. */
  readonly #all = new Set<AbortController>();
  /** on_failure hooks under way. */
  readonly #failures = new Set<Promise<unknown>>();

  constructor(host: HooksHost) {
    this.#host = host;
  }

  /** Runs the unit's post_start hook (it has one) for the run that is up now. */
  async postStart(unit: UnitSpec): Promise<PostStartOutcome> {
    this.cancelPostStart(unit.name);
    const ctl = new AbortController();
    this.#postStart.set(unit.name, ctl);
    const result = await this.#run(unit, 'post_start', ctl);
    if (this.#postStart.get(unit.name) === ctl) this.#postStart.delete(unit.name);
    if (result.status === 0) return { ok: true };
    const timeoutMs = unit.hooks?.post_start?.timeoutMs;
    const how = describeHookEnd({
      ...result,
      ...(result.error === undefined ? {} : { failure: result.error }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return { ok: false, canceled: result.canceled, reason: `post_start hook ${how}` };
  }

  /** The run of `name` ended or is being stopped: its post_start hook, if still running, is killed. */
  cancelPostStart(name: string): void {
    this.#postStart.get(name)?.abort();
    this.#postStart.delete(name);
  }

  /**
   * Stops a run: its pre_stop hook first when it has one and the run is still alive, within the
   * stop timeout, then the driver's stop with what is left of that timeout.
   */
  async stopRun(unit: UnitSpec, proc: RunningProcess, alive: boolean): Promise<{ forced: boolean }> {
    const { driver, clock } = this.#host;
    const hook = unit.hooks?.pre_stop;
    if (!hook || !alive || driver.alive?.(proc) === false) return driver.stop(unit, proc);
    const budget = unit.stop.timeoutMs;
    const since = clock.now();
    const result = await this.#run(unit, 'pre_stop', new AbortController(), undefined, Math.min(hook.timeoutMs, budget));
    const left = budget - (clock.now() - since);
    if (!result.canceled && (left <= 0 || (result.timedOut && hook.timeoutMs >= budget))) {
      // The stop timeout ran out in the hook: SIGKILL, as a stop timeout does.
      driver.kill(unit, proc);
      await driver.stop(unit, proc);
      return { forced: true };
    }
    return driver.stop({ ...unit, stop: { ...unit.stop, timeoutMs: Math.max(0, left) } }, proc);
  }

  /** The unit failed for good after `exit`: runs its on_failure hook, if it has one. */
  onFailure(unit: UnitSpec, exit: ExitInfo | null): void {
    if (!unit.hooks?.on_failure) return;
    const env = {
      PROCS_FAILED_UNIT: unit.name,
      PROCS_EXIT_CODE: exit?.code === null || exit?.code === undefined ? '' : String(exit.code),
      PROCS_EXIT_SIGNAL: exit?.signal ?? '',
    };
    const running = this.#run(unit, 'on_failure', new AbortController(), env);
    this.#failures.add(running);
    void running.then(() => {
      this.#failures.delete(running);
      this.#host.checkIdle();
    });
  }

  /** Whether an on_failure hook is running: procs must not end before it has. */
  busy(): boolean {
    return this.#failures.size > 0;
  }

  /** Resolves once no on_failure hook runs. */
  async settled(): Promise<void> {
    while (this.#failures.size > 0) await Promise.all([...this.#failures]);
  }

  /** Kills every hook under way at once (everything is being killed). */
  cancelAll(): void {
    for (const ctl of this.#all) ctl.abort();
  }

  async #run(unit: UnitSpec, hook: HookName, ctl: AbortController, env?: Record<string, string>, timeoutMs?: number): Promise<HookResult> {
    const spec = unit.hooks?.[hook];
    if (!spec) return { status: 0, timedOut: false, canceled: false };
    const { driver, clock } = this.#host;
    this.#all.add(ctl);
    const since = clock.now();
    this.#host.emit({ type: 'hook', unit: unit.name, hook, phase: 'start' });
    const request = { hook, command: spec.command, timeoutMs: timeoutMs ?? spec.timeoutMs, signal: ctl.signal, ...(env ? { env } : {}) };
    const result = driver.runHook ? await driver.runHook(unit, request) : NO_DRIVER_SUPPORT;
    this.#all.delete(ctl);
    this.#host.emit({
      type: 'hook',
      unit: unit.name,
      hook,
      phase: 'end',
      status: result.status,
      durationMs: Math.round(clock.now() - since),
      ...(result.timedOut ? { timedOut: true } : {}),
      ...(result.canceled ? { canceled: true } : {}),
      ...(result.error === undefined ? {} : { failure: result.error }),
    });
    return result;
  }
}
