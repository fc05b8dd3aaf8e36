// `procs run`'s wait on the project it runs itself: the same judgement as `up --wait` (`judge`
// in wait.ts) on the supervisor's status, re-checked on every event.
import { toRow } from './rows.js';
import { isUp, judge, nextSettle } from './wait.js';
import type { Project } from './project.js';

export type WaitResult = { readonly ok: true } | { readonly ok: false; readonly unit: string | undefined; readonly reason: string; readonly timedOut: boolean };

/**
 * Resolves once every named unit is up (ready, running for `SETTLE_MS` without a readiness probe,
 * or a completed one-shot), or with the first unit that failed, was skipped, or exited while it
 * was waited on (restarting or not), or on the timeout. The same judgement as `up --wait`
 * (`judge`), re-checked on every event and once a unit without a probe has run long enough.
 */
export function waitForUp(project: Project, names: ReadonlySet<string>, timeoutMs?: number): Promise<WaitResult> {
  const specs = new Map(project.spec.units.map((u) => [u.name, u]));
  const oneShot = (u: { readonly name: string }): boolean => specs.get(u.name)?.restart.policy === 'never' && !specs.get(u.name)?.schedule;
  const seen = new Map<string, { code: number | null; signal: string | null }>();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settleTimer: NodeJS.Timeout | undefined;
    let unsubscribe = (): void => undefined;
    let done = false;
    const finish = (r: WaitResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      unsubscribe();
      resolve(r);
    };
    const check = (): void => {
      const status = project.supervisor.status().filter((s) => names.has(s.name));
      const stopped = status.find((s) => s.state === 'stopped');
      if (stopped) return finish({ ok: false, unit: stopped.name, reason: 'stopped before it was ready', timedOut: false });
      const gone = status.find((s) => s.state === 'failed' || s.state === 'skipped');
      if (gone) return finish({ ok: false, unit: gone.name, reason: `${gone.state}: ${gone.reason ?? gone.state}`, timedOut: false });
      const now = Date.now();
      const rows = status.map(toRow);
      const verdict = judge(rows, oneShot, { seen }, now);
      if (verdict?.kind === 'ready') return finish({ ok: true });
      if (verdict) {
        const unit = verdict.units[0];
        const reason = verdict.reason.startsWith(`${unit} `) ? verdict.reason.slice(`${unit} `.length) : verdict.reason;
        return finish({ ok: false, unit, reason, timedOut: false });
      }
      // Ask again once the units running without a probe have run long enough to count as up.
      const at = nextSettle(rows, oneShot);
      clearTimeout(settleTimer);
      if (Number.isFinite(at)) settleTimer = setTimeout(check, Math.max(0, at - now) + 5);
    };
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        const waiting = project.supervisor
          .status()
          .filter((s) => names.has(s.name))
          .filter((s) => specs.has(s.name) && !isUp(toRow(s), oneShot(s)))
          .map((s) => `${s.name} (${s.state})`);
        finish({
          ok: false,
          unit: undefined,
          reason: `timed out after ${timeoutMs}ms waiting for ${waiting.join(', ') || 'units that had not run for a second yet'}`,
          timedOut: true,
        });
      }, timeoutMs);
    }
    unsubscribe = project.bus.subscribe((e) => {
      // An exit the supervisor answers with a restart: the unit went down while waited on.
      if (e.type === 'exit' && e.state === 'backoff' && names.has(e.unit)) seen.set(e.unit, { code: e.exit.code, signal: e.exit.signal });
      check();
    });
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
