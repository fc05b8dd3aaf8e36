// The reconciler on a real daemon: scale up and down (and refused values), reload with an added,
// a removed and a changed unit, a broken spec that changes nothing, `up -d` on a running project,
// and `--wait` succeeding, failing with the unit's last lines (also when its log file is far
// behind), and timing out.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alive, NODE, psJson, tempProject, waitUntil, type Proj } from '../control/helpers.js';

const HANG = "console.log('up ' + process.argv.slice(2).join(' ')); setInterval(() => {}, 1 << 30);\n";
const unit = (name: string, arg: string): string => `  ${name}:\n    command: [${NODE}, hang.js, ${arg}]\n`;
const spec = (processes: string, replicas = 2): string =>
  `version: 1\nprocesses:\n${processes}pools:\n  w:\n    command: [${NODE}, hang.js, w]\n    replicas: ${replicas}\n`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

/** Pids by unit name from `ps --json`. */
async function pids(p: Proj): Promise<Map<string, number | null>> {
  return new Map((await psJson(p)).units.map((u) => [u.name, u.pid]));
}

describe('reconciling a running project', () => {
  it('scales a pool up and down, and refuses a bad size without changing anything', async () => {
    const p = tempProject({ 'procs.yaml': spec(unit('a', 'a1')), 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const up = await p.run(['scale', 'w=4']);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout, 'scaled w=4: start w.2, start w.3');
    const four = await pids(p);
    assert.deepEqual([...four.keys()], ['a', 'w.0', 'w.1', 'w.2', 'w.3']);
    const down = await p.run(['scale', 'w=1']);
    assert.equal(down.stdout, 'scaled w=1: remove w.3, remove w.2, remove w.1');
    const one = await pids(p);
    assert.deepEqual([...one.keys()], ['a', 'w.0']);
    assert.equal(one.get('w.0'), four.get('w.0'), 'the instance that stays is left alone');
    for (const gone of ['w.1', 'w.2', 'w.3']) assert.ok(!alive(four.get(gone) ?? 0), `${gone} was stopped`);
    await waitUntil(() => p.events().filter((e) => e.type === 'scale').length === 2, 10_000, 'scale events');
    assert.deepEqual(
      p
        .events()
        .filter((e) => e.type === 'scale')
        .map((e) => [e.unit, e.replicas]),
      [
        ['w', 4],
        ['w', 1],
      ],
    );

    for (const [args, message] of [
      [['scale', 'w=-1'], /expected POOL=N with N a whole number from 0 to 1024, got 'w=-1'/],
      [['scale', 'w=two'], /got 'w=two'/],
      [['scale', 'w=1025'], /got 'w=1025'/],
      [['scale', 'w=2', 'x'], /got 'x'/],
      [['scale', 'ww=2'], /no pool named 'ww'; did you mean 'w'\?/],
      [['scale', 'a=2'], /no pool named 'a'/],
    ] as const) {
      const r = await p.run([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.deepEqual(await pids(p), one, 'nothing changed');
  });

  it('reloads an added, a removed and a changed unit; a broken spec changes nothing', async () => {
    const p = tempProject({ 'procs.yaml': spec(unit('a', 'a1') + unit('b', 'b1')), 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const before = await pids(p);

    writeFileSync(join(p.dir, 'procs.yaml'), spec(unit('a', 'a2') + unit('c', 'c1')));
    const r = await p.run(['reload']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'reloaded: remove b, restart a, start c');
    const after_ = await pids(p);
    assert.deepEqual([...after_.keys()], ['a', 'c', 'w.0', 'w.1']);
    assert.notEqual(after_.get('a'), before.get('a'), 'a changed: restarted');
    assert.ok(!alive(before.get('a') ?? 0) && !alive(before.get('b') ?? 0), 'old a and b are gone');
    assert.equal(after_.get('w.0'), before.get('w.0'), 'unchanged units are left alone');
    await waitUntil(() => p.events().some((e) => e.type === 'reload'), 10_000, 'the reload event');
    assert.deepEqual(p.events().find((e) => e.type === 'reload')?.actions, ['remove b', 'restart a', 'start c']);

    writeFileSync(join(p.dir, 'procs.yaml'), spec(unit('a', 'a3') + '  d:\n    command: [oops\n'));
    const broken = await p.run(['reload']);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^procs reload: the spec has errors; nothing was changed\n {2}procs\.yaml:\d+:\d+ {2}/);
    assert.deepEqual(await pids(p), after_, 'nothing changed');
    await waitUntil(() => p.events().some((e) => e.type === 'config-error'), 10_000, 'the config-error event');
    const ce = p.events().find((e) => e.type === 'config-error');
    assert.equal(ce?.unit, 'procs');
    assert.match(ce?.errors?.[0] ?? '', /^procs\.yaml:\d+:\d+ {2}/);

    // `up -d` on the running project reconciles it to the spec and starts what is not running.
    writeFileSync(join(p.dir, 'procs.yaml'), spec(unit('a', 'a2') + unit('c', 'c1') + unit('e', 'e1')));
    assert.equal((await p.run(['stop', 'c'])).code, 0);
    const again = await p.run(['up', '-d']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /is already running \(pid \d+\); reconciled: start e, start c/);
    const final = await psJson(p);
    assert.deepEqual(
      final.units.map((u) => `${u.name}:${u.state}`),
      ['a:running', 'c:running', 'e:running', 'w.0:running', 'w.1:running'],
    );
    assert.equal(final.units.find((u) => u.name === 'a')?.pid, after_.get('a'), 'a is unchanged');
  });

  it('runs the spec files up -d or reload name, and says so when they are not the ones it ran', async () => {
    const p = tempProject({ 'procs.yaml': spec(unit('yaml', 'y')), Procfile: `proc: ${process.execPath} hang.js p\n`, 'hang.js': HANG });
    projects.push(p);
    assert.equal((await p.run(['-f', 'Procfile', 'up', '-d'])).code, 0);
    const filesOf = async (): Promise<{ files: string[]; units: string[] }> => {
      const r = await p.run(['ps', '--json']);
      const v = JSON.parse(r.stdout) as { files: string[]; units: { name: string }[] };
      return { files: v.files, units: v.units.map((u) => u.name) };
    };
    assert.deepEqual(await filesOf(), { files: [join(p.dir, 'Procfile')], units: ['proc'] });
    // `up -d` finds procs.yaml: the project runs it from now on.
    const up = await p.run(['up', '-d']);
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /now running procs\.yaml instead of Procfile/);
    assert.deepEqual(await filesOf(), { files: [join(p.dir, 'procs.yaml')], units: ['yaml', 'w.0', 'w.1'] });
    const again = await p.run(['up', '-d']);
    assert.match(again.stdout, /nothing to change/);
    assert.doesNotMatch(again.stdout, /now running/);
    // A reload reads the files the project runs; with -f it switches, and says so.
    assert.equal((await p.run(['reload'])).stdout, 'reloaded: nothing changed');
    const back = await p.run(['reload', '-f', 'Procfile']);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /now running Procfile instead of procs\.yaml/);
    assert.deepEqual(await filesOf(), { files: [join(p.dir, 'Procfile')], units: ['proc'] });
    assert.equal((await p.run(['down'])).code, 0);
  });

  it('up -d --wait: ready, failed with its last lines, timed out', async () => {
    const ok = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  s:\n    command: [${NODE}, hang.js, s]\n    health:\n      readiness: { log: "up s" }\n  step:\n    command: "echo done"\n    restart: never\n`,
      'hang.js': HANG,
    });
    projects.push(ok);
    const ready = await ok.run(['up', '-d', '--wait']);
    assert.equal(ready.code, 0, ready.stderr);
    assert.match(ready.stdout, /procs: 2 units up \(/);
    assert.deepEqual(
      (await psJson(ok)).units.map((u) => u.state),
      ['ready', 'completed'],
    );

    const bad = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  db:\n    command: "echo starting db; echo cannot bind >&2; exit 3"\n    restart: never\n  api:\n    command: [${NODE}, hang.js]\n    depends_on: { db: healthy }\n`,
      'hang.js': HANG,
    });
    projects.push(bad);
    const failed = await bad.run(['up', '-d', '--wait']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /db failed: exited with code 3/);
    assert.match(failed.stderr, /last lines of db:\n {2}db \| starting db\n {2}db \| cannot bind/);

    const slow = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  s:\n    command: [${NODE}, hang.js]\n    health:\n      readiness: { log: "never printed" }\n`,
      'hang.js': HANG,
    });
    projects.push(slow);
    const late = await slow.run(['up', '-d', '--wait', '--wait-timeout', '1s']);
    assert.equal(late.code, 1);
    assert.match(late.stderr, /timed out after 1s waiting for s \(running, not ready\)/);
    const badTimeout = await slow.run(['up', '-d', '--wait', '--wait-timeout', 'soon']);
    assert.equal(badTimeout.code, 2);
  });

  it('up -d --wait shows the last lines a unit wrote right before failing, while its log file lags behind', async () => {
    // Thousands of lines, then the one that matters, on stderr immediately before exit 1. A log
    // rotated every 512 bytes takes far longer to write than the failure takes to be reported:
    // the report must not depend on the file having caught up.
    const boom =
      'const lines = [];\n' +
      "for (let i = 1; i <= 3000; i++) lines.push(`warning ${i} of 3000: ${'x'.repeat(40)}`);\n" +
      "process.stderr.write(lines.join('\\n') + '\\n');\n" +
      "process.stderr.write('fatal: cannot bind 127.0.0.1:6390\\n');\n" +
      'process.exitCode = 1;\n';
    const p = tempProject({
      'procs.yaml': `version: 1\nprocesses:\n  db:\n    command: [${NODE}, boom.js]\n    restart: never\n    health:\n      readiness: { log: "^listening" }\n    log: { max_size: 512B, keep: 1 }\n`,
      'boom.js': boom,
    });
    projects.push(p);
    const failed = await p.run(['up', '-d', '--wait']);
    assert.equal(failed.code, 1, failed.stderr);
    const expected = [2992, 2993, 2994, 2995, 2996, 2997, 2998, 2999, 3000].map((i) => `  db | warning ${i} of 3000: ${'x'.repeat(40)}`);
    assert.match(failed.stderr, /^procs up: db failed: exited with code 1\n/);
    const lines = failed.stderr.split('\n');
    const at = lines.indexOf('last lines of db:');
    assert.ok(at > 0, failed.stderr);
    assert.deepEqual(lines.slice(at + 1, at + 11), [...expected, '  db | fatal: cannot bind 127.0.0.1:6390']);

    // `procs logs` right after: the files it reads have caught up with what the project read.
    const logs = await p.run(['logs', 'db', '-n', '2']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.deepEqual(
      logs.stdout.split('\n').map((l) => l.replace(/^\S+ db \| /, '')),
      [`warning 3000 of 3000: ${'x'.repeat(40)}`, 'fatal: cannot bind 127.0.0.1:6390'],
    );
  });
});
