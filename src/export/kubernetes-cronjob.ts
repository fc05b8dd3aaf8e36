// A scheduled unit in Kubernetes: a CronJob. `cron` is its schedule (six fields lose their
// seconds), `timezone` its timeZone, `concurrency` its concurrencyPolicy; `every` becomes a cron
// when it divides an hour or a day evenly, else the nearest shorter interval that does, noted.
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { ScheduleSpec } from '../config/spec.js';
import type { Service } from './model.js';
import { durationText } from './names.js';
import { everyAsCron, fiveFields } from './schedule.js';
import type { Notes } from './types.js';

/** The CronJob of a scheduled service. */
export function cronJobOf(svc: Service, schedule: ScheduleSpec, meta: ObjectMeta, pod: PodSpec, notes: Notes): CronJob {
  const retries = svc.unit.restart.policy === 'on-failure' ? svc.unit.restart.maxRestarts : 0;
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: meta,
    spec: {
      schedule: cronOf(svc.name, schedule, notes),
      ...(schedule.timezone !== undefined ? { timeZone: schedule.timezone } : {}),
      concurrencyPolicy: ({ forbid: 'Forbid', allow: 'Allow', replace: 'Replace' } as const)[schedule.concurrency],
      jobTemplate: {
        metadata: { labels: meta.labels ?? {} },
        spec: {
          backoffLimit: retries,
          // A pool's pods take WORKER_ID from their completion index (kubernetes-pool.ts).
          ...(svc.kind === 'pool' ? { completionMode: 'Indexed', completions: svc.replicas, parallelism: svc.replicas } : {}),
          template: { metadata: { labels: meta.labels ?? {} }, spec: { ...pod, restartPolicy: 'Never' } },
        },
      },
    },
  };
}

function cronOf(name: string, schedule: ScheduleSpec, notes: Notes): string {
  if (schedule.runOnStart)
    notes.add(`${name}: a CronJob runs only on its schedule, not once when applied (kubectl create job --from=cronjob/NAME runs it now)`);
  const cron = fiveFields(schedule);
  if (cron) {
    if (!cron.exact) notes.add(`${name}: a CronJob's schedule has no seconds field; \`${schedule.cron ?? ''}\` runs at second 0 of its minutes`);
    return cron.cron;
  }
  const every = everyAsCron(schedule.everyMs ?? 60_000);
  if (!every.exact) {
    const written = durationText(schedule.everyMs ?? 0);
    notes.add(`${name}: every ${written} does not divide an hour or a day evenly; the CronJob runs every ${every.minutes}m (${every.cron})`);
  }
  return every.cron;
}
