// `schedule:` from the document to the spec: the cron check field by field, the normalized form,
// the default restart policy of a scheduled unit, and what `procs config` prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cronFields, cronProblem } from '../../src/config/cron.js';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, specOf, unit } from './helpers.js';

describe('cron expressions', () => {
  it('takes five or six fields, names, ranges, lists, steps, ? and the nicknames', () => {
    for (const ok of [
      '*/10 * * * *',
      '0 2 * * *',
      '30 0 9 * * mon-fri',
      '0 0 1,15 jan,jul ?',
      '0 12 * * 7',
      '0-30/5 8-18 * * 1-5',
      '@daily',
      '@hourly',
      ' 5 4 * * sun ',
    ]) {
      assert.equal(cronProblem(ok), undefined, ok);
    }
  });

  it('names the bad field and where it starts', () => {
    assert.deepEqual(cronProblem('61 * * * *'), { index: 0, message: 'minute field `61` is out of range (0–59)' });
    assert.deepEqual(cronProblem('0 24 * * *'), { index: 2, message: 'hour field `24` is out of range (0–23)' });
    assert.deepEqual(cronProblem('0 0 0 * *'), { index: 4, message: 'day-of-month field `0` is out of range (1–31)' });
    assert.deepEqual(cronProblem('0 0 * 13 *'), { index: 6, message: 'month field `13` is out of range (1–12, or jan–dec)' });
    assert.deepEqual(cronProblem('0 0 * * 5-2'), { index: 8, message: 'day-of-week field `5-2` has a range that goes backwards (5-2)' });
    assert.deepEqual(cronProblem('60 * * * * *'), { index: 0, message: 'second field `60` is out of range (0–59)' });
    assert.deepEqual(cronProblem('@often'), {
      index: 0,
      message: 'unknown nickname `@often`: use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    });
    assert.match(cronProblem('* * *')?.message ?? '', /^has 3 fields/);
  });

  it('splits an expression into its fields, nicknames expanded', () => {
    assert.deepEqual(cronFields('@weekly'), {
      fields: ['minute', 'hour', 'day-of-month', 'month', 'day-of-week'].map((name, i) => ({ name, text: ['0', '0', '*', '*', '0'][i], index: 0 })),
    });
  });
});

describe('schedule in the spec', () => {
  const text = `
version: 1
processes:
  cleanup:
    command: ./cleanup.sh
    schedule: { cron: "*/10 * * * *", timezone: Europe/Paris, concurrency: replace }
  retry:
    command: ./retry.sh
    restart: on-failure
    schedule: { every: 90s, run_on_start: true }
  api:
    command: ./api.sh
    depends_on: { cleanup: started }
pipelines:
  nightly:
    steps: [./dump.sh, gzip]
    schedule: { cron: "@daily" }
`;

  it('is normalized, and only on units that have one', () => {
    const spec = specOf(build({ 'procs.yaml': text }));
    assert.deepEqual(unit(spec, 'cleanup').schedule, { cron: '*/10 * * * *', timezone: 'Europe/Paris', runOnStart: false, concurrency: 'replace' });
    assert.deepEqual(unit(spec, 'retry').schedule, { everyMs: 90_000, runOnStart: true, concurrency: 'forbid' });
    assert.deepEqual(unit(spec, 'nightly').schedule, { cron: '@daily', runOnStart: false, concurrency: 'forbid' });
    assert.equal('schedule' in unit(spec, 'api'), false);
  });

  it('makes restart: never the default of a scheduled unit; a written policy stays', () => {
    const spec = specOf(build({ 'procs.yaml': text }));
    assert.equal(unit(spec, 'cleanup').restart.policy, 'never');
    assert.equal(unit(spec, 'retry').restart.policy, 'on-failure');
    assert.equal(unit(spec, 'api').restart.policy, 'on-failure');
  });

  it('is printed by procs config', () => {
    const plain = toPlainSpec(specOf(build({ 'procs.yaml': text })), { inherited: ENV, showValues: true }) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    assert.deepEqual(plain.processes?.cleanup?.schedule, { cron: '*/10 * * * *', timezone: 'Europe/Paris', run_on_start: false, concurrency: 'replace' });
    assert.deepEqual(plain.processes?.retry?.schedule, { every: '90s', run_on_start: true, concurrency: 'forbid' });
    assert.equal(plain.processes?.api?.schedule, undefined);
  });
});
