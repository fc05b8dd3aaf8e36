// The habits of docker compose and overmind users, run through procs: `stop` / `restart` with
// no names act on every unit of the running project, `ps -q` and `ps --format json`,
// `up --no-deps`, and `logs --tail N`, `-t` and `--since WHEN` over the log files.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertClean, procs, specProject } from '../helpers/cli.js';
import { NODE, psJson, tempProject, type Proj } from '../control/helpers.js';

const HANG = "console.log('up'); setInterval(() => {}, 1 << 30);\n";
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

function make(yaml: string): Proj {
  const p = tempProject({ 'procs.yaml': yaml, 'hang.js': HANG });
  projects.push(p);
  return p;
}

const TWO = `version: 1\nprocesses:\n  web:\n    command: [${NODE}, hang.js]\n  api:\n    command: [${NODE}, hang.js]\n`;

describe('compose and overmind habits on a running project', () => {
  it('stop and restart with no names act on every unit; ps -q lists the names; ps --format json is ps --json', async () => {
    const p = make(TWO);
    assert.equal((await p.run(['up', '-d', '--wait'])).code, 0);

    const names = await p.run(['ps', '-q']);
    assert.equal(names.code, 0, names.stderr);
    assert.deepEqual(names.stdout.split('\n').sort(), ['api', 'web']);
    const json = await p.run(['ps', '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { units: { name: string }[] };
    assert.deepEqual(parsed.units.map((u) => u.name).sort(), ['api', 'web']);

    const stop = await p.run(['stop']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(stop.stdout.split('\n').sort(), ['api: stopped', 'web: stopped']);
    assert.deepEqual(
      (await psJson(p)).units.map((u) => u.state),
      ['stopped', 'stopped'],
    );

    const restart = await p.run(['restart']);
    assert.equal(restart.code, 0, restart.stderr);
    assert.deepEqual(
      restart.stdout
        .split('\n')
        .map((l) => l.replace(/ \(pid \d+\)$/, ''))
        .sort(),
      ['api: running', 'web: running'],
    );
    const before = (await psJson(p)).units.map((u) => u.pid);
    assert.equal((await p.run(['restart'])).code, 0);
    const afterPids = (await psJson(p)).units.map((u) => u.pid);
    assert.ok(
      afterPids.every((pid, i) => pid !== null && pid !== before[i]),
      `every unit got a new process: ${before.join(',')} → ${afterPids.join(',')}`,
    );
  });

  it('up --no-deps starts the named units without their dependency, which stays pending, also on a running project', async () => {
    const dependsOnDb = `    command: [${NODE}, hang.js]\n    depends_on: { db: started }\n`;
    const p = make(`version: 1\nprocesses:\n  db:\n    command: [${NODE}, hang.js]\n  web:\n${dependsOnDb}  api:\n${dependsOnDb}`);
    const up = await p.run(['up', '-d', '--wait', '--no-deps', 'web']);
    assert.equal(up.code, 0, up.stderr);
    const states = async (): Promise<Record<string, string>> => Object.fromEntries((await psJson(p)).units.map((u) => [u.name, u.state]));
    assert.deepEqual(await states(), { db: 'pending', web: 'running', api: 'pending' });
    // `up` on the running project reconciles it and starts api, still without db.
    const again = await p.run(['up', '-d', '--wait', '--no-deps', 'api']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await states(), { db: 'pending', web: 'running', api: 'running' });
  });
});

describe('up --no-deps in the foreground', () => {
  it('starts the named unit without its dependency, and stops on SIGINT leaving nothing', async () => {
    const dir = specProject(
      `version: 1\nprocesses:\n  db:\n    command: "echo db started; sleep 1000"\n  web:\n    command: "echo web started; sleep 1000"\n    depends_on: { db: healthy }\n`,
    );
    const run = procs(['up', '--no-deps', 'web'], { cwd: dir });
    await run.waitFor(/web\s+\| web started/);
    run.child.kill('SIGINT');
    await assertClean(run);
    assert.doesNotMatch(run.text(), /db started/);
  });
});

describe('procs logs with compose spellings, from the log files', () => {
  const p = make(TWO);
  const logs = join(p.dir, '.procs/logs');
  const recent = new Date(Date.now() - 60_000).toISOString();
  mkdirSync(join(p.dir, '.procs'), { mode: 0o700 });
  mkdirSync(logs);
  writeFileSync(join(logs, 'web.log'), `2020-01-01T00:00:00.000Z out old line\n2020-01-01T00:01:00.000Z out older than a day\n${recent} out recent line\n`);

  const lines = async (args: string[]): Promise<string[]> => {
    const r = await p.run(['logs', ...args]);
    assert.equal(r.code, 0, r.stderr);
    // The prefix's time of day (local time) is left out: the lines' own stamps are what is checked.
    return r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace(/^\d\d:\d\d:\d\d /, ''));
  };

  it('--tail N and -n N show the last N lines; --tail all every line', async () => {
    assert.deepEqual(await lines(['--tail', '1', 'web']), ['web | recent line']);
    assert.deepEqual(await lines(['-n', '2', 'web']), ['web | older than a day', 'web | recent line']);
    assert.equal((await lines(['--tail=all', 'web'])).length, 3);
  });

  it('--since takes a duration back from now or a time', async () => {
    assert.deepEqual(await lines(['--since', '5m', 'web']), ['web | recent line']);
    assert.deepEqual(await lines(['--since', '2020-01-01T00:00:30Z', 'web']), ['web | older than a day', 'web | recent line']);
    assert.deepEqual(await lines(['--since', '2020-01-01T00:00:30Z', '-n', '1', 'web']), ['web | recent line']);
  });

  it('-t shows the time of each line', async () => {
    assert.deepEqual(await lines(['-t', '-n', '2', 'web']), ['web | 2020-01-01T00:01:00.000Z older than a day', `web | ${recent} recent line`]);
  });
});
