// The controller and reconciler in-process, on a real supervisor with a driver whose processes
// stop at once and a spec "file" held in an object: reload and scale through plan(), errors that
// change nothing, scale sizes that stick until the spec changes them, start/stop/restart, down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlError, type LiveBatch } from '../../src/control/api.js';
import { exitCodeOf } from '../../src/app/exit-codes.js';
import { Controller } from '../../src/app/controller.js';
import { SpecReconciler } from '../../src/app/reconciler.js';
import { buildSpec, fakeLoader, fakeProject, type SpecText } from './fakes.js';

/** A controller on a project started from `text`; the test edits `text` as a user edits the file. */
function setup(text: SpecText, latePids = false): { c: Controller; p: ReturnType<typeof fakeProject>; calls: string[] } {
  const spec = buildSpec(text);
  const p = fakeProject(spec);
  p.driver.latePids = latePids;
  const calls: string[] = [];
  const settings = { cwd: '/p', files: ['/p/procs.yaml'], env: {}, formation: {} };
  const r = new SpecReconciler(p, settings, { spec, files: ['/p/procs.yaml'], diagnostics: [] }, fakeLoader(text));
  const c = new Controller(p, r, {
    stopAll: async (reason) => {
      calls.push(`stopAll ${reason}`);
      await p.supervisor.stopAll();
    },
    release: async () => void calls.push('release'),
  });
  c.begin();
  p.supervisor.start();
  return { c, p, calls };
}

/** Resolves once `cond` holds, checking after each turn of the event loop. */
async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000 && !(await cond()); i++) await new Promise((r) => setImmediate(r));
}

const names = async (c: Controller): Promise<string[]> => (await c.status()).units.map((u) => `${u.name}:${u.state}`);
const rejects = async (p: Promise<unknown>, code: string, message?: RegExp): Promise<void> => {
  await assert.rejects(p, (e: unknown) => e instanceof ControlError && e.code === code && (!message || message.test(e.message)));
};

describe('Controller and SpecReconciler', () => {
  it('reloads: removes, restarts and starts through plan(), and says so in a reload event', async () => {
    const text: SpecText = { processes: { a: 'a1', b: 'b1', keep: 'k' }, pools: {} };
    const { c, p } = setup(text);
    const keepPid = (await c.status()).units.find((u) => u.name === 'keep')?.pid;
    text.processes = { a: 'a2', keep: 'k', n: 'n1' };
    const res = await c.reload();
    assert.deepEqual(res.actions, ['remove b', 'restart a', 'start n']);
    assert.deepEqual(await names(c), ['a:running', 'keep:running', 'n:running']);
    assert.equal((await c.status()).units.find((u) => u.name === 'keep')?.pid, keepPid);
    assert.deepEqual(
      p.events.filter((e) => e.type === 'reload').map((e) => e.type === 'reload' && e.actions),
      [['remove b', 'restart a', 'start n']],
    );
  });

  it('started, status and start answer once the pids still to come have come (through the event loop, not taken blocking)', async () => {
    const text: SpecText = { processes: { a: 'a1', b: 'b1' }, pools: {} };
    const { c, p } = setup(text, true);
    let started = false;
    void c.started().then(() => (started = true));
    const status = c.status();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(started, false, 'not started while a pid is still to come');
    p.driver.answer('a');
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    assert.equal(started, false, 'b has no pid yet');
    p.driver.answer('b');
    await until(async () => started);
    assert.equal(started, true);
    assert.deepEqual(
      (await status).units.map((u) => [u.name, u.state, u.pid]),
      [
        ['a', 'running', 1001],
        ['b', 'running', 1002],
      ],
    );
    await c.stop(['b']);
    const restarted = c.start(['b']);
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    p.driver.answer('b');
    assert.deepEqual(
      (await restarted).units.map((u) => [u.name, u.state, u.pid]),
      [['b', 'running', 1003]],
    );
    assert.deepEqual(p.driver.forced, [], 'no pid read before its answer');
    await p.supervisor.stopAll();
  });

  it('a spec with errors changes nothing: a config-error event and a spec-error answer', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: {} };
    const { c, p } = setup(text);
    const before = await c.status();
    text.broken = true;
    await assert.rejects(
      c.reload(),
      (e: unknown) => e instanceof ControlError && e.code === 'spec-error' && exitCodeOf(e) === 2 && e.details[0] === 'procs.yaml:3:5  expected a map',
    );
    assert.deepEqual((await c.status()).units, before.units);
    const ce = p.events.find((e) => e.type === 'config-error');
    assert.deepEqual(ce?.type === 'config-error' && ce.errors, ['procs.yaml:3:5  expected a map']);
  });

  it('scales pools; a scaled size sticks across reloads until the spec changes that pool', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 2 } } };
    const { c, p } = setup(text);
    assert.deepEqual((await c.scale({ w: 3 })).actions, ['start w.2']);
    assert.deepEqual(
      p.events.filter((e) => e.type === 'scale').map((e) => [e.unit, e.type === 'scale' && e.replicas]),
      [['w', 3]],
    );
    text.processes = { a: 'a2' };
    assert.deepEqual((await c.reload()).actions, ['restart a'], 'the scale survives an unrelated change');
    assert.equal((await c.status()).units.filter((u) => u.pool === 'w').length, 3);
    text.pools = { w: { command: 'w', replicas: 1 } };
    assert.deepEqual((await c.reload()).actions, ['remove w.2', 'remove w.1'], 'the spec changed the size itself');
    assert.deepEqual((await c.scale({ w: 0 })).actions, ['remove w.0']);
    assert.deepEqual((await c.status()).pools, [{ name: 'w', replicas: 0 }]);
    await rejects(c.scale({ ww: 1 }), 'unknown-unit', /no pool named 'ww'; did you mean 'w'\? \(pools: w\)/);
  });

  it('a scale leaves other edits of the file to reload', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 1 } } };
    const { c } = setup(text);
    text.processes = { a: 'a2', b: 'b1' };
    assert.deepEqual((await c.scale({ w: 2 })).actions, ['start w.1']);
    assert.deepEqual(await names(c), ['a:running', 'w.0:running', 'w.1:running']);
  });

  it('start, stop, restart; a failed unit gets a fresh run; stopped units hold a foreground run open', async () => {
    const text: SpecText = { processes: { a: 'a1', b: 'never: b1' }, pools: {} };
    const { c, p } = setup(text);
    assert.equal(c.holdsOpen(), false);
    assert.deepEqual(
      (await c.stop(['a'])).units.map((u) => u.state),
      ['stopped'],
    );
    assert.equal(c.holdsOpen(), true);
    assert.deepEqual(
      (await c.start(['a'])).units.map((u) => u.state),
      ['running'],
    );
    assert.equal(c.holdsOpen(), false);
    p.driver.exit('b', { code: 3, status: 3 });
    await until(async () => (await names(c)).includes('b:failed'));
    assert.deepEqual(
      (await c.start(['b'])).units.map((u) => u.state),
      ['running'],
    );
    assert.deepEqual(
      p.driver.started.filter((n) => n === 'b'),
      ['b', 'b'],
    );
    const restarted = await c.restart(['a']);
    assert.equal(restarted.units[0]?.state, 'running');
    assert.deepEqual(
      p.driver.started.filter((n) => n === 'a'),
      ['a', 'a', 'a'],
    );
    await rejects(c.start(['nope']), 'unknown-unit', /no unit named 'nope'/);
  });

  it('down overrides stop timeouts, stops everything, releases, then refuses further changes', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 1 } } };
    const { c, p, calls } = setup(text);
    const seen: string[] = [];
    await c.down({ timeoutMs: 1234 }, (e) => seen.push(`${e.type} ${e.unit}`));
    assert.deepEqual(calls, ['stopAll down requested', 'release']);
    assert.deepEqual(
      p.driver.stops.map(([, t]) => t),
      [1234, 1234],
    );
    assert.ok(seen.includes('stop a') && seen.includes('exit w.0'), seen.join(', '));
    await rejects(c.restart(['a']), 'stopping');
    await c.down(); // a second down joins the first
    assert.equal(calls.length, 2);
  });

  it('tail answers from memory: every line read so far, the last N of each unit asked for (a pool means its instances)', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 2 } } };
    const { c, p } = setup(text);
    p.tail.write({ unit: 'a', stream: 'stdout', text: 'one\ntwo\n' });
    p.tail.write({ unit: 'a', stream: 'stderr', text: 'three\n' });
    p.tail.write({ unit: 'w.1', stream: 'stdout', text: 'w1\n' });
    assert.deepEqual(await c.tail(['a'], 2), {
      units: [
        {
          unit: 'a',
          lines: [
            { stream: 'stdout', text: 'two' },
            { stream: 'stderr', text: 'three' },
          ],
        },
      ],
    });
    assert.deepEqual(
      (await c.tail(['a'])).units[0]?.lines.map((l) => l.text),
      ['one', 'two', 'three'],
    );
    assert.deepEqual((await c.tail(['a'], 0)).units[0]?.lines, []);
    assert.deepEqual(await c.tail(['w'], 5), {
      units: [
        { unit: 'w.0', lines: [] },
        { unit: 'w.1', lines: [{ stream: 'stdout', text: 'w1' }] },
      ],
    });
    assert.deepEqual(
      (await c.tail([])).units.map((u) => u.unit),
      ['a', 'w.0', 'w.1'],
    );
    await rejects(c.tail(['x']), 'unknown-unit');
  });

  it('logs feeds only the units asked for (a pool means its instances) and ends with the project', async () => {
    const text: SpecText = { processes: { a: 'a1' }, pools: { w: { command: 'w', replicas: 2 } } };
    const { c, p } = setup(text);
    const got: LiveBatch[] = [];
    const feed = c.logs(['w'], (b) => got.push(b));
    await feed.ready;
    for (const unit of ['a', 'w.0', 'w.1', 'ww.0']) p.live.write({ unit, stream: 'stdout', text: `${unit} line\n` });
    assert.deepEqual(
      got.map((b) => b.text),
      ['w.0 line\n', 'w.1 line\n'],
    );
    assert.throws(
      () => c.logs(['x'], () => undefined),
      (e: unknown) => e instanceof ControlError && e.code === 'unknown-unit',
    );
    c.endFeeds();
    await feed.ended;
    p.live.write({ unit: 'w.0', stream: 'stdout', text: 'late\n' });
    assert.equal(got.length, 2);
  });

  it('a logs feed is ready only once the log files hold what came before', async () => {
    const { c, p } = setup({ processes: { a: 'a1' }, pools: {} });
    let written!: () => void;
    p.logsWritten = () => new Promise<void>((resolve) => (written = resolve));
    const steps: string[] = [];
    const feed = c.logs([], () => undefined);
    const ready = feed.ready.then(() => steps.push('ready'));
    await new Promise((r) => setImmediate(r));
    steps.push('written');
    written();
    await ready;
    assert.deepEqual(steps, ['written', 'ready']);
    feed.close();
  });
});
