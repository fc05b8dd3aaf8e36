import type { UnitSpec } from '../config/spec.js';
import type { OutputSink } from '../events/sink.js';
import { realClock, type Clock } from '../base/clock.js';
import type { ProcessDriver, RunningProcess } from '../runtime/driver.js';
import type { ProcessHost } from './host.js';
import { readProc } from './procfs.js';
import { runOneShot } from './one-shot.js';
import type { SpawnedUnit } from './spawn.js';
import { DEFAULT_WINDOW, type TerminalHooks } from './unit-input.js';

/**
 * The driver that touches the OS through `host`: each unit spawned as the leader of its own
 * process group. The host should guard its groups (createHost({ guardian: true })): units outlive
 * a procs killed with SIGKILL unless the spawner or the guardian ends them.
 */
export function createRealDriver(opts: {
  sink: OutputSink;
  host: ProcessHost;
  clock?: Clock;
  /** Asked the window size before each spawn, told each run's input after it (`procs attach`). */
  terminals?: TerminalHooks;
  /** Units' lines go to procs' coloured terminal: units without `tty` get FORCE_COLOR=1 (proc/tty.ts). */
  color?: boolean;
  /** Variables a unit's run gets beyond its spec's (NOTIFY_SOCKET and WATCHDOG_USEC: app/notify.ts). */
  env?: (unit: UnitSpec) => Readonly<Record<string, string>> | undefined;
}): ProcessDriver {
  const clock = opts.clock ?? realClock;
  const host = opts.host;
  const spawned = new WeakMap<RunningProcess, SpawnedUnit>();
  const of = (proc: RunningProcess): SpawnedUnit | undefined => spawned.get(proc);
  // Whether /proc can be read here, found at the first `alive`.
  let procReadable: boolean | undefined;
  // Alive and not a zombie by /proc; where there is no /proc, whether the pid still exists.
  const isAlive = (pid: number): boolean => {
    procReadable ??= readProc(process.pid) !== undefined;
    if (!procReadable) {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    }
    const state = readProc(pid)?.state;
    return state !== undefined && state !== 'Z' && state !== 'X';
  };
  return {
    start(spec: UnitSpec): RunningProcess {
      const extra = opts.env?.(spec);
      const unit: UnitSpec = extra ? { ...spec, env: { ...spec.env, ...extra } } : spec;
      const size = unit.tty === true ? (opts.terminals?.size(unit.name) ?? DEFAULT_WINDOW) : undefined;
      const how = { clock, color: opts.color ?? false, ...(size === undefined ? {} : { size }) };
      const s = unit.kind === 'pipeline' ? host.spawnPipeline(unit, opts.sink, how) : host.spawnUnit(unit, opts.sink, how);
      spawned.set(s, s);
      opts.terminals?.started(unit.name, s.input);
      return s;
    },
    async stop(unit, proc) {
      const s = of(proc);
      return s ? host.stopUnit(s, unit.stop, clock) : { forced: false };
    },
    kill(_unit, proc) {
      const s = of(proc);
      if (s) host.signalUnit(s, 'SIGKILL');
    },
    async settle(unit, proc) {
      const s = of(proc);
      if (s) await host.reapLeftovers(s, unit.stop, clock);
    },
    alive(proc) {
      return proc.pid !== undefined && isAlive(proc.pid);
    },
    // A hook leads a group of its own, guarded like the one-shot commands; its lines are the unit's, as `UNIT:HOOK`.
    async runHook(unit, req) {
      const env = { ...unit.env, ...req.env };
      const guard = { guard: (pgid: number) => host.guardCommand(pgid, true), release: (pgid: number) => host.releaseGroup(pgid) };
      const options = { cwd: unit.cwd, env, signal: req.signal, timeoutMs: req.timeoutMs };
      const r = await runOneShot(req.command, options, guard, { sink: opts.sink, unit: `${unit.name}:${req.hook}` });
      return { status: r.status, timedOut: r.timedOut, canceled: r.canceled, ...(r.error === undefined ? {} : { error: r.error }) };
    },
  };
}
