import type { UnitSpec } from '../config/spec.js';
import type { OutputSink } from '../base/sink.js';
import { realClock, type Clock } from '../base/clock.js';
import type { ProcessDriver, RunningProcess } from '../runtime/driver.js';
import { enableGuardian } from './guardian.js';
import { spawnPipeline } from './pipeline.js';
import { spawnUnit, type SpawnedUnit } from './spawn.js';
import { readProc, reapLeftovers, signalUnit, stopUnit } from './tree.js';

/** The driver that touches the OS: each unit spawned as the leader of its own process group. */
export function createRealDriver(opts: { sink: OutputSink; clock?: Clock }): ProcessDriver {
  const clock = opts.clock ?? realClock;
  // Units outlive a procs killed with SIGKILL unless the guardian (started at the first spawn) ends them.
  enableGuardian();
  const spawned = new WeakMap<RunningProcess, SpawnedUnit>();
  const of = (proc: RunningProcess): SpawnedUnit | undefined => spawned.get(proc);
  return {
    start(unit: UnitSpec): RunningProcess {
      const s = unit.kind === 'pipeline' ? spawnPipeline(unit, opts.sink, { clock }) : spawnUnit(unit, opts.sink, { clock });
      spawned.set(s, s);
      return s;
    },
    async stop(unit, proc) {
      const s = of(proc);
      return s ? stopUnit(s, unit.stop, clock) : { forced: false };
    },
    kill(_unit, proc) {
      const s = of(proc);
      if (s) signalUnit(s, 'SIGKILL');
    },
    async settle(unit, proc) {
      const s = of(proc);
      if (s) await reapLeftovers(s, unit.stop, clock);
    },
    alive(proc) {
      return proc.pid !== undefined && isAlive(proc.pid);
    },
  };
}

let procReadable: boolean | undefined;

// Alive and not a zombie by /proc; where there is no /proc, whether the pid still exists.
function isAlive(pid: number): boolean {
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
}
