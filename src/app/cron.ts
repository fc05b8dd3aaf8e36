// The ticks of cron schedules, from croner: its CommonJS build is required the first time a unit
// with a cron schedule is started, so that a project without one never loads it.
import { createRequire } from 'node:module';
import type * as Croner from 'croner';
import type { CronTicks } from '../runtime/schedule.js';

let cron: typeof Croner.Cron | undefined;

/** The next ticks of `expr` (already checked by config/cron.ts) in `timezone`, the system's when undefined. */
export const cronTicks: CronTicks = (expr, timezone) => {
  cron ??= (createRequire(import.meta.url)('croner') as typeof Croner).Cron;
  const pattern = new cron(expr, { paused: true, ...(timezone === undefined ? {} : { timezone }) });
  return (after) => pattern.nextRun(new Date(after))?.getTime() ?? null;
};
