// `procs up` on a project that already runs shows it live: on a real terminal (tmux) the units'
// new output prefixed, Ctrl-C asking whether to stop the project or detach; without a terminal,
// SIGINT detaching at once; `procs down` from elsewhere ending it with the summary; the project
// ending by itself, or its procs vanishing. And `up -d` refused against a foreground `up`.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MAIN, procs } from '../helpers/cli.js';
import { hasTmux, Tmux } from '../helpers/tmux.js';
import { NODE, psJson, tempProject, type Proj } from '../control/helpers.js';

const TICKER = "let i = 0; setInterval(() => console.log('tick ' + i++), 100);\n";
const SPEC = `version: 1\nprocesses:\n  ticker:\n    command: [${NODE}, ticker.js]\n  quiet:\n    command: [${NODE}, "-e", "setInterval(() => {}, 1 << 30)"]\n`;
const projects: Proj[] = [];
after(async () => {
  for (const p of projects) assert.equal(await p.cleanup(), 0, `processes outlived the test in ${p.dir}`);
});

function make(spec = SPEC, files: Record<string, string> = {}): Proj {
  const p = tempProject({ 'procs.yaml': spec, 'ticker.js': TICKER, ...files });
  projects.push(p);
  return p;
}

/** `procs up` in a tmux window in the project. */
function upOnTerminal(p: Proj): Tmux {
  return new Tmux([process.execPath, MAIN, 'up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag, NO_COLOR: '1' } });
}

/** The tick numbers the terminal shows after the line that says it attached. */
function ticksAfterAttach(screen: string): number[] {
  const after = screen.slice(screen.indexOf('procs: attached'));
  return [...after.matchAll(/^\d\d:\d\d:\d\d ticker +\| tick (\d+)$/gm)].map((m) => Number(m[1]));
}

describe('procs up on a running project', () => {
  it('on a terminal: shows new output, asks on Ctrl-C; d detaches, s stops the project', { skip: hasTmux ? false : 'needs tmux' }, async () => {
    const p = make();
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const before = await psJson(p);

    const t = upOnTerminal(p);
    await t.waitFor(/is already running \(pid \d+\); nothing to change/);
    // Live output, prefixed, after the view has attached: three ticks in a row.
    await t.waitFor(/procs: attached[^]*ticker +\| tick \d+\n[^]*ticker +\| tick \d+\n[^]*ticker +\| tick \d+\n/);
    const ticks = ticksAfterAttach(t.screen());
    assert.ok(ticks.length >= 3, t.screen());
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i], (ticks[i - 1] ?? 0) + 1, `no line lost or repeated:\n${t.screen()}`);
    t.keys('C-c');
    await t.waitFor(/stop the project \(s, or Ctrl-C again\) or detach and leave it running \(d, or Enter\)\? \[d\]\s*$/m);
    t.keys('d');
    assert.equal(await t.exited(), 0, t.screen());
    assert.match(t.screen(), /detached; the project keeps running \(pid \d+\)\n {2}procs up shows it again/);
    const still = await psJson(p);
    assert.deepEqual(
      still.units.map((u) => [u.name, u.state, u.pid]),
      before.units.map((u) => [u.name, u.state, u.pid]),
      'the project runs on, untouched',
    );
    t.kill();

    const again = upOnTerminal(p);
    await again.waitFor(/procs: attached[^]*ticker +\| tick \d+\n/);
    again.keys('C-c');
    await again.waitFor(/\[d\]\s*$/m);
    again.keys('s');
    assert.equal(await again.exited(), 0, again.screen());
    const screen = again.screen();
    assert.match(screen, /\[d\] stop\n/);
    assert.match(screen, /procs +- stopping all units — down requested/);
    assert.match(screen, /ticker +- stopped/);
    const ps = await p.run(['ps']);
    assert.equal(ps.code, 1, 'nothing runs any more');
    assert.match(ps.stderr, /no procs project is running/);
  });

  it('without a terminal: SIGINT detaches at once; procs down from elsewhere ends it with the summary', async () => {
    const p = make(`${SPEC}  broken:\n    command: [${NODE}, "-e", "console.log('broken out'); process.exit(3)"]\n    restart: never\n`);
    // A line from an earlier run of the project: in the log file, not shown when attaching.
    mkdirSync(join(p.dir, '.procs/logs'), { recursive: true, mode: 0o700 });
    writeFileSync(join(p.dir, '.procs/logs/quiet.log'), '2001-01-01T00:00:00.000Z out from an earlier run\n');
    assert.equal((await p.run(['up', '-d'])).code, 0);
    const first = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await first.waitFor(/^procs: attached: output follows live; Ctrl-C detaches \(the project keeps running\)$/);
    await first.waitFor(/^\d\d:\d\d:\d\d ticker +\| tick \d+$/);
    assert.doesNotMatch(first.text(), /from an earlier run/);
    assert.match((await p.run(['logs', 'quiet'])).stdout, /quiet \| from an earlier run/);
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0, first.text());
    assert.match(first.stderr.join('\n'), /^procs: detached; the project keeps running/m);
    const states = (await psJson(p)).units.map((u) => [u.name, u.state]);
    assert.deepEqual(states.slice(0, 2), [
      ['ticker', 'running'],
      ['quiet', 'running'],
    ]);

    // Each `up` starts broken again; it fails at once, and the next `up` finds it failed.
    const brokenFailed = async (): Promise<void> => {
      const deadline = Date.now() + 20_000;
      while ((await psJson(p)).units.find((u) => u.name === 'broken')?.state !== 'failed') {
        if (Date.now() > deadline) throw new Error('broken did not fail');
        await new Promise((r) => setTimeout(r, 25));
      }
    };

    // With --json: the report line `up -d --json` prints, then NDJSON only; SIGTERM detaches too.
    await brokenFailed();
    const json = procs(['up', '--json'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await json.waitFor(/"type":"output".*"text":"tick \d+"/);
    json.child.kill('SIGTERM');
    assert.equal(await json.exited, 0, json.text());
    const lines = json.stdout.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0]?.reconciled, { actions: [], started: ['broken'] });
    assert.ok(
      lines.slice(1).every((l) => typeof l.type === 'string' && typeof l.unit === 'string'),
      json.stdout.join('\n'),
    );
    assert.match(json.stderr.join('\n'), /^procs: detached/m);

    // `up` starts what is not running (broken, again), then shows it fail, and how it ends.
    await brokenFailed();
    const second = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await second.waitFor(/reconciled: start broken/);
    await second.waitFor(/^\d\d:\d\d:\d\d broken +\| broken out$/);
    await second.waitFor(/broken +x /);
    const down = await p.run(['down']);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(await second.exited, 0, `a requested stop ends the view as it ends a foreground up:\n${second.text()}`);
    assert.match(second.text(), /^\d\d:\d\d:\d\d procs +- stopping all units — down requested/m);
    assert.match(second.text(), /^\d\d:\d\d:\d\d ticker +- stopped/m);
    assert.match(second.stderr.join('\n'), /^broken {2}failed: exited with code 3$/m);
  });

  it('ends with the foreground up it shows, and its exit code; says so when that procs vanishes', async () => {
    const spec = `version: 1\nprocesses:\n  good:\n    command: "while [ ! -f go ]; do sleep 0.05; done; echo good done"\n    restart: never\n  bad:\n    command: "while [ ! -f go ]; do sleep 0.05; done; exit 3"\n    restart: never\n`;
    const p = make(spec);
    const fg = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await fg.waitFor(/bad +\* started/);
    const shown = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await shown.waitFor(/^procs: attached/);
    writeFileSync(join(p.dir, 'go'), '');
    assert.equal(await fg.exited, 1, fg.text());
    assert.equal(await shown.exited, 1, shown.text());
    assert.match(shown.text(), /^\d\d:\d\d:\d\d good +\| good done$/m);
    assert.match(shown.stderr.join('\n'), /^bad {2}failed: exited with code 3$/m);
    assert.doesNotMatch(shown.text(), /went away/);

    // A daemon killed outright: the view says its procs went away, and fails.
    const q = make();
    assert.equal((await q.run(['up', '-d'])).code, 0);
    const watching = procs(['up'], { cwd: q.dir, env: { PROCS_TEST_TAG: q.tag } });
    await watching.waitFor(/^\d\d:\d\d:\d\d ticker +\| tick \d+$/);
    process.kill(Number(readFileSync(join(q.dir, '.procs/procs.pid'), 'utf8')), 'SIGKILL');
    assert.equal(await watching.exited, 1, watching.text());
    assert.match(watching.stderr.join('\n'), /the project's procs \(pid \d+\) went away without stopping its units/);
  });

  it('up -d and up --wait are refused against a foreground up, which goes on untouched', async () => {
    const p = make();
    const fg = procs(['up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
    await fg.waitFor(/ticker +\| tick 3$/);
    const before = await psJson(p);
    for (const args of [
      ['up', '-d'],
      ['up', '--wait'],
      ['up', '-d', 'ticker'],
    ]) {
      const r = await p.run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(
        r.stderr,
        /it runs in the foreground of procs up \(pid \d+\) in another terminal; nothing was changed\n {2}procs up attaches to it here, procs down stops it/,
      );
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(
      (await psJson(p)).units.map((u) => [u.name, u.state, u.pid, u.restarts]),
      before.units.map((u) => [u.name, u.state, u.pid, u.restarts]),
    );
    assert.ok(!p.events().some((e) => e.type === 'reload'), 'no reconcile happened');
    assert.equal(fg.child.exitCode, null, 'the foreground up runs on');
    fg.child.kill('SIGINT');
    assert.equal(await fg.exited, 0, fg.text());
  });
});
