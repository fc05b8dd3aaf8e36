// Scheduled units in the exports: systemd timers (OnCalendar= from cron, OnActiveSec= and
// OnUnitActiveSec= from every), Kubernetes CronJobs, and compose's note.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { exportCompose } from '../../src/export/compose.js';
import { exportKubernetes } from '../../src/export/kubernetes.js';
import { everyAsCron, onCalendar } from '../../src/export/schedule.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { fileText, load, systemdStructure, systemdVerify, yamlDocs } from './helpers.js';
import { kubernetesProblems } from './k8s-check.js';

const SPEC = `
processes:
  cleanup: { command: ["/bin/true"], schedule: { cron: "*/10 * * * *" } }
  backup: { command: ["/bin/true"], schedule: { cron: "0 2 * * *", timezone: Europe/Paris, concurrency: replace }, restart: on-failure }
  sync: { command: ["/bin/true"], schedule: { every: 90s, run_on_start: true } }
  api: { command: ["/bin/sleep", "100"] }
pipelines:
  digest: { steps: [["/bin/echo", "hi"], ["/bin/cat"]], schedule: { cron: "30 8 1,15 * mon-fri", concurrency: allow } }
`;

describe('cron as OnCalendar=', () => {
  it('converts the common forms, a line per day rule when both days are restricted', () => {
    const cases: [string, string | undefined, string[]][] = [
      ['*/10 * * * *', undefined, ['*-*-* *:00/10:00']],
      ['0 2 * * *', 'Europe/Paris', ['*-*-* 02:00:00 Europe/Paris']],
      ['15,45 8-10 * * mon-fri', undefined, ['Mon,Tue,Wed,Thu,Fri *-*-* 08,09,10:15,45:00']],
      ['0 0 1 jan,jul *', undefined, ['*-01,07-01 00:00:00']],
      ['0 12 * * 0,7', undefined, ['Sun *-*-* 12:00:00']],
      ['30 8 1,15 * 1', undefined, ['*-*-01,15 08:30:00', 'Mon *-*-* 08:30:00']],
      ['*/20 0 9 * * *', undefined, ['*-*-* 09:00:00/20']],
      ['@weekly', 'UTC', ['Sun *-*-* 00:00:00 UTC']],
      ['0-30/15 * * * *', undefined, ['*-*-* *:00,15,30:00']],
    ];
    for (const [cron, tz, want] of cases) assert.deepEqual(onCalendar(cron, tz), want, cron);
  });

  it('turns every into a cron when it divides an hour or a day, else the nearest shorter interval', () => {
    assert.deepEqual(everyAsCron(10 * 60_000), { cron: '*/10 * * * *', exact: true, minutes: 10 });
    assert.deepEqual(everyAsCron(60_000), { cron: '* * * * *', exact: true, minutes: 1 });
    assert.deepEqual(everyAsCron(2 * 3_600_000), { cron: '0 */2 * * *', exact: true, minutes: 120 });
    assert.deepEqual(everyAsCron(86_400_000), { cron: '0 0 * * *', exact: true, minutes: 1440 });
    assert.deepEqual(everyAsCron(7 * 60_000), { cron: '*/6 * * * *', exact: false, minutes: 6 });
  });
});

describe('export of scheduled units', () => {
  it('systemd: a oneshot service started by a .timer the target wants, and systemd-analyze verify passes', () => {
    const r = exportSystemd(load({ 'procs.yaml': SPEC }).spec);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const service = fileText(r.files, 'project-cleanup.service');
    assert.ok(service.includes('\nType=oneshot\n') && service.includes('\nRestart=no\n'), service);
    assert.ok(!service.includes('RemainAfterExit') && !service.includes('[Install]'), service);
    const timer = fileText(r.files, 'project-cleanup.timer');
    for (const line of ['OnCalendar=*-*-* *:00/10:00', 'AccuracySec=1s', 'Unit=project-cleanup.service', 'WantedBy=project.target']) {
      assert.ok(timer.includes(`\n${line}\n`), `${line} in\n${timer}`);
    }
    assert.ok(fileText(r.files, 'project-backup.timer').includes('\nOnCalendar=*-*-* 02:00:00 Europe/Paris\n'));
    assert.ok(fileText(r.files, 'project-backup.service').includes('\nRestart=on-failure\n'));
    const sync = fileText(r.files, 'project-sync.timer');
    assert.ok(sync.includes('\nOnActiveSec=0\nOnUnitActiveSec=90s\n'), sync);
    const digest = fileText(r.files, 'project-digest.timer');
    assert.ok(digest.includes('\nOnCalendar=*-*-01,15 08:30:00\nOnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 08:30:00\n'), digest);
    const wants = /\nWants=(.*)\n/.exec(fileText(r.files, 'project.target'))?.[1]?.split(' ') ?? [];
    assert.deepEqual(wants.sort(), ['project-api.service', 'project-backup.timer', 'project-cleanup.timer', 'project-digest.timer', 'project-sync.timer']);
    assert.ok(
      r.notes.some((n) => n.startsWith('backup: a systemd timer never replaces a run')) &&
        r.notes.some((n) => n.startsWith('digest: a systemd timer never runs beside a run')),
      r.notes.join('\n'),
    );
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });

  it('kubernetes: a CronJob with its schedule, time zone and concurrency policy', () => {
    const text = fileText(exportKubernetes(load({ 'procs.yaml': SPEC }).spec).files, 'kubernetes.yaml');
    assert.deepEqual(kubernetesProblems(text), []);
    const jobs = new Map(
      yamlDocs(text)
        .filter((d) => d.kind === 'CronJob')
        .map((d) => [(d as CronJob).metadata?.name, (d as CronJob).spec]),
    );
    assert.deepEqual([...jobs.keys()].sort(), ['backup', 'cleanup', 'digest', 'sync']);
    assert.deepEqual(
      { schedule: jobs.get('backup')?.schedule, timeZone: jobs.get('backup')?.timeZone, policy: jobs.get('backup')?.concurrencyPolicy },
      { schedule: '0 2 * * *', timeZone: 'Europe/Paris', policy: 'Replace' },
    );
    assert.equal(jobs.get('backup')?.jobTemplate.spec?.backoffLimit, 5);
    assert.equal(jobs.get('cleanup')?.concurrencyPolicy, 'Forbid');
    assert.equal(jobs.get('digest')?.concurrencyPolicy, 'Allow');
    assert.equal(jobs.get('cleanup')?.jobTemplate.spec?.backoffLimit, 0);
    assert.equal(jobs.get('sync')?.schedule, '* * * * *');
    const r = exportKubernetes(load({ 'procs.yaml': SPEC }).spec);
    assert.ok(
      r.notes.some((n) => n.startsWith('sync: every 90s does not divide an hour or a day evenly; the CronJob runs every 1m')),
      r.notes.join('\n'),
    );
    assert.ok(
      r.notes.some((n) => n.startsWith('sync: a CronJob runs only on its schedule')),
      r.notes.join('\n'),
    );
  });

  it('compose: a note, as compose has no scheduler', () => {
    const r = exportCompose(load({ 'procs.yaml': SPEC }).spec);
    assert.ok(
      r.notes.some((n) => n.startsWith('cleanup: compose has no scheduler')),
      r.notes.join('\n'),
    );
  });
});
