import type { UnitSpec } from '../config/spec.js';
import type { Project } from './project.js';

export type WaitResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly unit: string | undefined; readonly reason: string; readonly timedOut: boolean };

/** Whether a unit counts as up for `--wait` and `procs run`: one-shot steps must have completed. */
function isUp(unit: UnitSpec, state: string): boolean {
  if (unit.restart.policy === 'never') return state === 'completed';
  if (state === 'completed') return true;
  return state === 'ready' || (state === 'running' && !unit.health.readiness);
}

/**
 * Resolves once every named unit is up (ready, running without a readiness probe, or a
 * completed one-shot), or with the first unit that failed or was skipped, or on the timeout.
 * Re-checked on every event: no polling.
 */
export function waitForUp(project: Project, names: ReadonlySet<string>, timeoutMs?: number): Promise<WaitResult> {
  const specs = new Map(project.spec.units.map((u) => [u.name, u]));
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = (): void => undefined;
    let done = false;
    const finish = (r: WaitResult): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      unsubscribe();
      resolve(r);
    };
    const check = (): void => {
      const status = project.supervisor.status().filter((s) => names.has(s.name));
      const bad = status.find((s) => s.state === 'failed' || s.state === 'skipped' || s.state === 'stopped');
      if (bad) {
        const reason = bad.state === 'stopped' ? 'stopped before it was ready' : (bad.reason ?? bad.state);
        finish({ ok: false, unit: bad.name, reason: `${bad.state === 'skipped' ? 'skipped' : 'failed'}: ${reason}`, timedOut: false });
        return;
      }
      const waiting = status.filter((s) => {
        const spec = specs.get(s.name);
        return spec !== undefined && !isUp(spec, s.state);
      });
      if (waiting.length === 0) finish({ ok: true });
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const waiting = project.supervisor
          .status()
          .filter((s) => names.has(s.name))
          .filter((s) => {
            const spec = specs.get(s.name);
            return spec !== undefined && !isUp(spec, s.state);
          })
          .map((s) => `${s.name} (${s.state})`);
        finish({ ok: false, unit: undefined, reason: `timed out after ${timeoutMs}ms waiting for ${waiting.join(', ')}`, timedOut: true });
      }, timeoutMs);
    }
    unsubscribe = project.bus.subscribe(check);
    check();
  });
}

/** The failure of a wait as lines for the terminal: the unit, the reason and its last lines. */
export function describeWaitFailure(project: Project, r: Extract<WaitResult, { ok: false }>): string {
  if (!r.unit) return `procs: ${r.reason}\n`;
  const last = project.tail.lines(r.unit).map((l) => `  ${l.text}`);
  const tail = last.length > 0 ? `\nlast ${last.length} line${last.length === 1 ? '' : 's'} of ${r.unit}:\n${last.join('\n')}` : '';
  return `procs: ${r.unit} ${r.reason}${tail}\n`;
}
