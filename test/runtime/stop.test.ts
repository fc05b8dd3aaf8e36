import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StopSpec } from '../../src/config/spec.js';
import { spawnUnit } from '../../src/runtime/spawn.js';
import { descendants, groupMembers, isAlive, readProc, reapLeftovers, stopUnit } from '../../src/runtime/tree.js';
import { survivors, trackPid, useProcessTracker, waitFor, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { fixture, fx, processUnit, sh } from '../helpers/units.js';

const tracker = useProcessTracker();
const TERM: StopSpec = { signal: 'SIGTERM', timeoutMs: 10_000 };

// Starts a fixture and waits for its first line matching `ready`.
async function start(name: string, command: Parameters<typeof processUnit>[1], ready: RegExp) {
  const sink = new CollectingSink();
  const unit = tracker.add(spawnUnit(processUnit(name, command), sink));
  const match = await sink.waitForLine(ready, name);
  return { unit, sink, match };
}

describe('stopUnit', () => {
  it('stops a process with its stop signal', async () => {
    const { unit } = await start('hang', fx('hang.js'), /ready/);
    assert.deepEqual(await stopUnit(unit, TERM), { forced: false });
    assert.equal((await unit.exited).signal, 'SIGTERM');
    assert.deepEqual(survivors({ pgids: [unit.pgid ?? -1] }), []);
  });

  it('forces a process that ignores SIGTERM with SIGKILL after the timeout', async () => {
    const { unit, sink } = await start('stubborn', fx('ignore-term.js'), /ready/);
    const t0 = Date.now();
    assert.deepEqual(await stopUnit(unit, { signal: 'SIGTERM', timeoutMs: 300 }), { forced: true });
    assert.ok(Date.now() - t0 >= 290, 'waited for the timeout first');
    assert.equal((await unit.exited).signal, 'SIGKILL');
    await unit.outputDone;
    assert.match(sink.text('stubborn'), /ignoring SIGTERM/);
  });

  it('kills at once when SIGKILL is the stop signal', async () => {
    const { unit } = await start('now', fx('ignore-term.js'), /ready/);
    const result = await within(stopUnit(unit, { signal: 'SIGKILL', timeoutMs: 60_000 }), 20_000, 'an immediate kill');
    assert.deepEqual(result, { forced: true });
  });

  it('a SIGKILL during a graceful stop (second Ctrl-C) ends it at once', async () => {
    const { unit } = await start('twice', fx('ignore-term.js'), /ready/);
    const stopping = stopUnit(unit, { signal: 'SIGTERM', timeoutMs: 600_000 });
    await waitFor(() => readProc(unit.pid ?? -1)?.state !== undefined, 'the stop to begin');
    unit.signal('SIGKILL');
    assert.deepEqual(await within(stopping, 20_000, 'the stop after SIGKILL'), { forced: true });
  });

  it('stops grandchildren in the group', async () => {
    const { unit, match } = await start('tree', fx('grandchild.js'), /child (\d+)\n/);
    const child = trackPid(Number(match[1]));
    assert.ok(child !== undefined);
    tracker.addPids(child.pid);
    assert.equal(readProc(child.pid)?.pgid, unit.pgid);
    assert.deepEqual(await stopUnit(unit, TERM), { forced: false });
    // Gone, or a zombie that PID 1 has not reaped yet.
    assert.equal(isAlive(child), false);
  });

  it('stops a descendant that left the group with setsid', async () => {
    const { unit, match } = await start('escape', fx('grandchild.js', 'escape'), /child (\d+)\n/);
    const child = Number(match[1]);
    tracker.addPids(child);
    const entry = readProc(child);
    assert.notEqual(entry?.pgid, unit.pgid, 'the child left the group');
    await stopUnit(unit, TERM);
    assert.equal(isAlive({ pid: child, start: entry?.start ?? '' }), false);
    await unit.outputDone;
  });

  it('stops an escaper that ignores SIGTERM, with SIGKILL', async () => {
    // setsid(1) puts ignore-term.js in a session of its own; its parent is the leader (sleep).
    const script = `setsid ${fixture('ignore-term.js')} & exec sleep 600`;
    const { unit } = await start('esc-stubborn', sh(script), /ready/);
    const escaped = descendants([unit.pid ?? -1]).filter((d) => readProc(d.pid)?.pgid !== unit.pgid);
    assert.equal(escaped.length, 1, 'one descendant outside the group');
    tracker.addPids(...escaped.map((d) => d.pid));
    assert.deepEqual(await stopUnit(unit, { signal: 'SIGTERM', timeoutMs: 300 }), { forced: true });
    assert.equal(escaped.some(isAlive), false);
    await within(unit.outputDone, 20_000, 'output to end once the escaper is gone');
  });
});

describe('leaders that exit on their own', () => {
  it('exited resolves with the leader while a group member still holds the pipes; reapLeftovers clears it', async () => {
    const { unit, match } = await start('leftover', fx('grandchild.js', 'exit-parent'), /child (\d+)\n/);
    const child = trackPid(Number(match[1]));
    assert.ok(child !== undefined);
    tracker.addPids(child.pid);
    assert.equal((await unit.exited).code, 0);
    let outputEnded = false;
    void unit.outputDone.then(() => (outputEnded = true));
    assert.equal(isAlive(child), true, 'the child outlives the leader');
    assert.equal(outputEnded, false, 'the child still holds stdout');
    assert.deepEqual(await reapLeftovers(unit, TERM), { forced: false, found: true });
    assert.equal(isAlive(child), false);
    await within(unit.outputDone, 20_000, 'output to end');
  });

  it('reapLeftovers finds nothing when the group is empty; a later stop or signal is harmless', async () => {
    const u = tracker.add(spawnUnit(processUnit('clean', sh('exit 0')), new CollectingSink()));
    await u.exited;
    assert.deepEqual(await reapLeftovers(u, TERM), { forced: false, found: false });
    assert.deepEqual(await within(stopUnit(u, TERM), 5_000, 'a stop of an ended unit'), { forced: false });
    u.signal('SIGKILL');
  });

  it('treats zombies as gone', async () => {
    // `exec sleep` never reaps the backgrounded child, which stays a zombie in the group.
    const { unit } = await start('zombie', sh('sleep 0.1 & echo up; exec sleep 600'), /up/);
    await waitFor(() => groupMembers(unit.pgid ?? -1).length === 1, 'the background child to become a zombie');
    assert.deepEqual(await stopUnit(unit, TERM), { forced: false });
  });
});
