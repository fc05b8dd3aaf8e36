// The project's registry of unit inputs and `attach` on the controller, on fake unit inputs and
// the instant driver: output to every attached client, input from each, window sizes (the latest
// client's, the default back when the last leaves), clients kept across a restart and let go
// when the unit stops for good or the project stops; refusals (unknown, pool, stopped).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ControlError, type AttachNotice } from '../../src/control/api.js';
import { Controller } from '../../src/app/controller.js';
import { DetachKeys } from '../../src/app/attach.js';
import { LiveOutput } from '../../src/app/live.js';
import { SpecReconciler } from '../../src/app/reconciler.js';
import { Terminals } from '../../src/app/terminals.js';
import type { UnitState } from '../../src/events/types.js';
import { DEFAULT_WINDOW } from '../../src/proc/unit-input.js';
import { FakeInput } from '../helpers/fake-input.js';
import { buildSpec, fakeLoader, fakeProject, type SpecText } from '../control/fakes.js';

/** An attached client's view: output text and notices. */
function viewer(): {
  out: string[];
  notices: AttachNotice[];
  ended: number;
  sink: { output(b: Buffer): void; notice(n: AttachNotice): void };
  end: () => void;
} {
  const v = {
    out: [] as string[],
    notices: [] as AttachNotice[],
    ended: 0,
    sink: { output: (b: Buffer) => void v.out.push(b.toString()), notice: (n: AttachNotice) => void v.notices.push(n) },
    end: () => void (v.ended += 1),
  };
  return v;
}

function registry(states: Map<string, UnitState>, live = new LiveOutput()): Terminals {
  return new Terminals({ state: (u) => states.get(u), inputOf: () => 'none', live, recentLines: (u) => `${u} earlier\n` });
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('terminals', () => {
  it('replays recent output, sends live output to every client and input from each to the unit', () => {
    const t = registry(new Map([['web', 'running']]));
    const input = new FakeInput(true, 'prompt> ');
    t.hooks.started('web', input);
    const a = viewer();
    const b = viewer();
    const ra = t.attach('web', a.sink, undefined, a.end);
    const rb = t.attach('web', b.sink, undefined, b.end);
    assert.equal(ra.attached.input, 'tty');
    assert.deepEqual(ra.attached.size, DEFAULT_WINDOW);
    input.emit('hello\r\n');
    assert.deepEqual(a.out, ['prompt> ', 'hello\r\n']);
    assert.deepEqual(b.out, ['prompt> ', 'hello\r\n']);
    ra.attachment.write(Buffer.from('1+1\r'));
    rb.attachment.write(Buffer.from('\x03'));
    assert.deepEqual(input.written, ['1+1\r', '\x03']);
    ra.attachment.detach();
    input.emit('more');
    assert.deepEqual(a.out, ['prompt> ', 'hello\r\n'], 'a detached client sees nothing more');
    assert.equal(b.out.at(-1), 'more');
    rb.attachment.detach();
    assert.equal(input.listeners, 0, 'the output is not followed once nobody is attached');
  });

  it('sizes the terminal by the latest client to attach or resize, and the default once the last has left', () => {
    const t = registry(new Map([['web', 'running']]));
    t.setDefault({ cols: 100, rows: 30 });
    assert.deepEqual(t.hooks.size('web'), { cols: 100, rows: 30 }, 'a unit starts at the default size');
    const input = new FakeInput();
    t.hooks.started('web', input);
    const a = t.attach('web', viewer().sink, { cols: 80, rows: 24 }, () => undefined);
    const b = t.attach('web', viewer().sink, { cols: 200, rows: 50 }, () => undefined);
    a.attachment.resize({ cols: 90, rows: 25 });
    b.attachment.detach();
    a.attachment.detach();
    assert.deepEqual(input.sizes, [
      { cols: 80, rows: 24 },
      { cols: 200, rows: 50 },
      { cols: 90, rows: 25 },
      { cols: 100, rows: 30 },
    ]);
    t.setDefault({ cols: 132, rows: 43 });
    assert.deepEqual(input.sizes.at(-1), { cols: 132, rows: 43 }, 'procs’ own terminal resized: followed while nobody is attached');
  });

  it('keeps clients attached across a restart and lets them go when the unit stops for good', async () => {
    const states = new Map<string, UnitState>([['web', 'running']]);
    const t = registry(states);
    const first = new FakeInput();
    t.hooks.started('web', first);
    const a = viewer();
    const r = t.attach('web', a.sink, undefined, a.end);
    t.event({ ts: '', type: 'exit', unit: 'web', state: 'backoff', exit: { code: 1, signal: null, status: 1, durationMs: 5 } });
    const second = new FakeInput();
    t.hooks.started('web', second);
    t.event({ ts: '', type: 'spawn', unit: 'web', pid: 42, attempt: 2, state: 'running' });
    second.emit('again');
    r.attachment.write(Buffer.from('x'));
    assert.deepEqual(second.written, ['x'], 'input goes to the new run');
    assert.equal(a.out.at(-1), 'again');
    assert.equal(first.listeners, 0);
    // A restart on request passes through `stopped`: still wanted afterwards, the client stays.
    states.set('web', 'stopped');
    t.event({ ts: '', type: 'stop', unit: 'web', reason: 'restart requested', state: 'stopped' });
    states.set('web', 'pending');
    await tick();
    assert.equal(a.ended, 0);
    states.set('web', 'failed');
    t.event({ ts: '', type: 'exit', unit: 'web', state: 'failed', exit: { code: 3, signal: null, status: 3, durationMs: 5 } });
    await tick();
    assert.equal(a.ended, 1);
    assert.deepEqual(
      a.notices.map((n) => n.type),
      ['exited', 'restarted', 'ended'],
    );
    assert.deepEqual(a.notices.at(-1), { type: 'ended', text: 'web failed (exited with code 3)', failed: true });
  });

  it('gives a unit without a terminal its lines from the project output, and tells clients when the project stops', () => {
    const live = new LiveOutput();
    const t = registry(new Map([['worker', 'running']]), live);
    const stdin = new FakeInput(false);
    t.hooks.started('worker', stdin);
    const a = viewer();
    const r = t.attach('worker', a.sink, { cols: 80, rows: 24 }, a.end);
    assert.equal(r.attached.input, 'stdin');
    assert.equal(r.attached.size, undefined);
    live.write({ unit: 'other', stream: 'stdout', text: 'not this\n' });
    live.write({ unit: 'worker', stream: 'stdout', text: 'line\n' });
    r.attachment.write(Buffer.from('typed\n'));
    assert.deepEqual(a.out, ['worker earlier\n', 'line\n']);
    assert.deepEqual(stdin.written, ['typed\n']);
    assert.deepEqual(stdin.sizes, [], 'no terminal to size');
    t.close();
    assert.deepEqual(a.notices, [{ type: 'ended', text: 'the project stopped', failed: false }]);
    assert.equal(a.ended, 1);
  });
});

describe('detach keys', () => {
  const run = (chunks: string[]): { sent: string; detached: boolean } => {
    const keys = new DetachKeys();
    let sent = '';
    for (const c of chunks) {
      const r = keys.feed(Buffer.from(c));
      sent += r.send.toString();
      if (r.detach) return { sent, detached: true };
    }
    return { sent, detached: false };
  };
  it('detaches on Ctrl-P Ctrl-Q, also across reads, and sends nothing of them', () => {
    assert.deepEqual(run(['ab\x10\x11cd']), { sent: 'ab', detached: true });
    assert.deepEqual(run(['ab\x10', '\x11']), { sent: 'ab', detached: true });
  });
  it('sends Ctrl-P followed by another key as both, and Ctrl-C as its byte', () => {
    assert.deepEqual(run(['\x10x\x03']), { sent: '\x10x\x03', detached: false });
    assert.deepEqual(run(['\x10\x10\x11']), { sent: '\x10', detached: true });
  });
});

/** A controller on a project from `text` with a registry of inputs. */
function controller(text: SpecText): { c: Controller; terminals: Terminals; stopUnit: (name: string) => Promise<void> } {
  const spec = buildSpec(text);
  const p = fakeProject(spec);
  const terminals = new Terminals({
    state: (u) => p.supervisor.status().find((s) => s.name === u)?.state,
    inputOf: () => 'none',
    live: p.live,
    recentLines: () => '',
  });
  p.bus.subscribe((e) => terminals.event(e));
  const settings = { cwd: '/p', files: ['/p/procs.yaml'], env: {}, formation: {} };
  const project = Object.assign(p, { terminals });
  const r = new SpecReconciler(project, settings, { spec, files: ['/p/procs.yaml'], diagnostics: [] }, fakeLoader(text));
  const c = new Controller(project, r, { stopAll: () => p.supervisor.stopAll(), release: async () => undefined });
  c.begin();
  p.supervisor.start();
  return { c, terminals, stopUnit: async (name) => void (await c.stop([name])) };
}

describe('attach on the controller', () => {
  const text: SpecText = { processes: { web: 'serve', api: 'serve' }, pools: { w: { command: 'work', replicas: 2 } } };
  const refused = async (c: Controller, unit: string, code: string, message: RegExp): Promise<void> => {
    await assert.rejects(c.attach(unit, viewer().sink).ready, (e: unknown) => e instanceof ControlError && e.code === code && message.test(e.message));
  };

  it('refuses an unknown unit with a suggestion, a pool with its instances, a stopped unit with how to start it', async () => {
    const { c, stopUnit } = controller(text);
    await refused(c, 'wbe', 'unknown-unit', /no unit named 'wbe'; did you mean 'web'\?/);
    await refused(c, 'w', 'bad-request', /'w' is a pool; attach to one of its instances: w\.0, w\.1/);
    await stopUnit('api');
    await refused(c, 'api', 'not-running', /api is not running \(stopped.*\); procs start api starts it/);
  });

  it('lets an attached client go when its unit is stopped, and when the project goes down', async () => {
    const { c, stopUnit } = controller(text);
    const a = viewer();
    const sa = c.attach('web', a.sink);
    assert.equal((await sa.ready).unit, 'web');
    await stopUnit('web');
    await sa.ended;
    assert.deepEqual(a.notices.at(-1), { type: 'ended', text: 'web stopped', failed: false });
    const b = viewer();
    const sb = c.attach('w.1', b.sink);
    await sb.ready;
    await c.down();
    await sb.ended;
    assert.equal(b.notices.at(-1)?.type, 'ended');
    await refused(c, 'w.0', 'stopping', /going down/);
  });
});
