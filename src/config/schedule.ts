// A unit's `schedule:` from the document to the spec: the cron expression checked field by field
// (each problem at its field), the time zone, the interval, and the rules that tie a schedule to
// the unit's other keys (its restart policy, and the units that wait for it).
import type { Context } from './context.js';
import { cronProblem } from './cron.js';
import { resolveDependency } from './graph.js';
import type { Restart, Schedule } from './spec-types.generated.js';
import type { ScheduleSpec, UnitSpec } from './spec.js';
import { describePath, keyPos, locate, posInText, valuePos, type PathSeg } from './tree.js';
import { ms } from './unit-parts.js';

/** The unit's schedule, or undefined when it has none; problems go to the diagnostics. */
export function scheduleSpec(
  ctx: Context,
  raw: Schedule | undefined,
  restart: Restart | undefined,
  where: readonly PathSeg[],
  unit: { readonly tty?: boolean; readonly stdin?: boolean; readonly listen?: unknown; readonly port?: unknown } = {},
): ScheduleSpec | undefined {
  if (raw === undefined) return undefined;
  const at = [...where, 'schedule'];
  if (raw.cron !== undefined) {
    const problem = cronProblem(raw.cron);
    const path = [...at, 'cron'];
    if (problem) ctx.diags.error(posInText(locate(ctx.tree, path).node, problem.index, valuePos(ctx.tree, path)), `${describePath(path)}: ${problem.message}`);
  }
  if (raw.timezone !== undefined) {
    const path = [...at, 'timezone'];
    if (!isTimeZone(raw.timezone))
      ctx.diags.error(valuePos(ctx.tree, path), `${describePath(path)}: unknown time zone \`${raw.timezone}\`: write an IANA zone such as Europe/Paris or UTC`);
    else if (raw.cron === undefined)
      ctx.diags.error(keyPos(ctx.tree, path), `${describePath(path)} applies to \`cron\` only: \`every\` counts from when procs starts the unit`);
  }
  const everyMs = raw.every === undefined ? undefined : ms(raw.every, 0);
  if (everyMs !== undefined && everyMs <= 0) ctx.diags.error(valuePos(ctx.tree, [...at, 'every']), `${describePath([...at, 'every'])} must be longer than 0`);
  // Runs side by side share nothing but the unit's output: not one terminal, stdin or port.
  const single = (['tty', 'stdin', 'listen', 'port'] as const).filter((k) => unit[k] !== undefined && unit[k] !== false);
  if (raw.concurrency === 'allow' && single.length > 0) {
    ctx.diags.error(
      valuePos(ctx.tree, [...at, 'concurrency']),
      `${describePath([...at, 'concurrency'])}: \`allow\` runs a second run beside the first, which cannot share \`${single[0]!}\`: use forbid or replace`,
    );
  }
  const policy = typeof restart === 'string' ? restart : restart?.policy;
  if (policy === 'always') {
    ctx.diags.error(
      valuePos(ctx.tree, [...where, 'restart', ...(typeof restart === 'string' ? [] : ['policy'])]),
      `${describePath([...where, 'restart'])}: a scheduled unit's run ends when it exits: use on-failure to retry a failing run, or never (the default)`,
    );
  }
  return {
    ...(raw.cron !== undefined ? { cron: raw.cron.trim() } : {}),
    ...(everyMs !== undefined ? { everyMs } : {}),
    ...(raw.timezone !== undefined ? { timezone: raw.timezone } : {}),
    runOnStart: raw.run_on_start === true,
    concurrency: raw.concurrency ?? 'forbid',
  };
}

/** A scheduled unit's restart policy when none is written: a failing run waits for the next tick. */
export function scheduledRestart(raw: { readonly schedule?: unknown; readonly restart?: Restart }): Restart | undefined {
  return raw.restart ?? (raw.schedule === undefined ? undefined : 'never');
}

/** A unit that waits for a scheduled unit to complete would wait for ever: a scheduled unit never does. */
export function checkScheduledDependencies(ctx: Context, units: readonly UnitSpec[]): void {
  for (const unit of units) {
    if (unit.kind === 'instance' && unit.index !== undefined && unit.index > 0) continue;
    for (const dep of unit.dependsOn) {
      if (dep.condition !== 'completed') continue;
      if (!resolveDependency(dep.name, units).some((t) => t.schedule)) continue;
      const section = unit.kind === 'pipeline' ? 'pipelines' : unit.kind === 'instance' ? 'pools' : 'processes';
      const owner = unit.kind === 'instance' ? (unit.pool ?? unit.name) : unit.name;
      const path = [section, owner, 'depends_on', dep.name];
      ctx.diags.error(
        keyPos(ctx.tree, path),
        `${describePath(path)}: \`${dep.name}\` is scheduled and never completes for good: use condition started (it counts as started while scheduled)`,
      );
    }
  }
}

/** Whether `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
