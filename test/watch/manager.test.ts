// The watch rules as the project sees them: rows for `ps` (rules that are off too, and why),
// what a reload plans, and when no rule is on any more. Real watchers on temporary folders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Spec, WatchRule } from '../../src/config/spec.js';
import { createHost } from '../../src/proc/create-host.js';
import { createRealDriver } from '../../src/proc/real-driver.js';
import { OFF_REASON, WatchManager, type WatchSettings } from '../../src/watch/manager.js';
import { CollectingSink } from '../helpers/sink.js';
import { processUnit, sh } from '../helpers/units.js';
import { EventRecorder, rule, tempTree } from './support.js';

const db = processUnit('db', sh('true'));
const api = processUnit('api', sh('true'), { dependsOn: [{ name: 'db', condition: 'started' }] });
const web = processUnit('web', sh('true'));

// A spec of db, api (needing db) and web, with these rules.
function spec(root: string, watch: WatchRule[]): Spec {
  return { project: 'p', root, files: [], env: {}, units: [db, api, web], pools: [], watch };
}

// A manager whose restarts are recorded.
function manager(s: Spec, settings: WatchSettings = {}): { m: WatchManager; restarts: string[][] } {
  const restarts: string[][] = [];
  const sink = new CollectingSink();
  const m = new WatchManager(
    s,
    {
      sink,
      processes: createRealDriver({ sink, host: createHost() }),
      publish: new EventRecorder().publish,
      restart: async (names) => void restarts.push([...names]),
      units: () => s.units,
    },
    settings,
  );
  return { m, restarts };
}

describe('WatchManager', () => {
  it('shows every rule as stopped with --no-watch, and a reload turns none on', async () => {
    const dir = tempTree();
    const { m } = manager(spec(dir, [rule(dir, { name: 'api-build', restart: ['api'] })]), { off: true });
    assert.equal(await m.start(), false);
    const rows = m.rows();
    assert.deepEqual(
      rows.map((r) => [r.name, r.kind, r.state, r.pid, r.reason]),
      [['api-build', 'watch', 'stopped', null, OFF_REASON]],
    );
    assert.deepEqual(rows[0]?.watch, { paths: ['src/**'], targets: ['api'], activity: 'idle', queued: false, runs: 0, last_run: null });
    assert.deepEqual(m.plan(spec(dir, [rule(dir, { name: 'css' })])), []);
    assert.equal(m.watching, false);
  });

  it('leaves off a rule whose targets `up UNIT…` did not start, and says so', async () => {
    const dir = tempTree();
    const s = spec(dir, [rule(dir, { name: 'web-build', restart: ['web'] }), rule(dir, { name: 'db-build', restart: ['db'] })]);
    const { m } = manager(s, { selected: ['api'] });
    assert.deepEqual(
      m.rows().map((r) => [r.name, r.state]),
      [
        ['web-build', 'stopped'],
        ['db-build', 'pending'],
      ],
    );
    assert.equal(await m.start(), true);
    await m.started;
    const rows = m.rows();
    assert.deepEqual(
      rows.map((r) => [r.name, r.state, r.reason]),
      [
        ['web-build', 'stopped', 'off: none of its targets was started'],
        ['db-build', 'running', null],
      ],
    );
    assert.match(rows[1]?.started_at ?? '', /^\d{4}-/);
    await m.close();
    assert.deepEqual(
      m.rows().map((r) => r.state),
      ['stopped', 'stopped'],
    );
  });

  it('plans and applies a reload; once the last rule is removed, nothing watches', async () => {
    const dir = tempTree();
    const before = spec(dir, [rule(dir, { name: 'a' }), rule(dir, { name: 'b' })]);
    const { m } = manager(before);
    assert.equal(await m.start(), true);
    await m.started;
    const unwatched = m.unwatched();
    const after = spec(dir, [rule(dir, { name: 'b', paths: ['lib/**'] }), rule(dir, { name: 'c' })]);
    const actions = m.plan(after);
    assert.deepEqual(
      actions.map((a) => `${a.kind} ${a.unit}`),
      ['remove a', 'restart b', 'start c'],
    );
    await m.apply(after, actions);
    assert.deepEqual(
      m.rows().map((r) => [r.name, r.state, r.watch?.paths]),
      [
        ['b', 'running', ['lib/**']],
        ['c', 'running', ['src/**']],
      ],
    );
    assert.equal(m.watching, true);
    const empty = spec(dir, []);
    await m.apply(empty, m.plan(empty));
    await unwatched;
    assert.equal(m.watching, false);
    assert.deepEqual(m.rows(), []);
    await m.close();
  });

  it('turns rules on through a reload when it started with none', async () => {
    const dir = tempTree();
    const { m } = manager(spec(dir, []));
    assert.equal(await m.start(), false);
    const next = spec(dir, [rule(dir, { name: 'css' })]);
    await m.apply(next, m.plan(next));
    assert.equal(m.watching, true);
    assert.deepEqual(
      m.rows().map((r) => [r.name, r.state]),
      [['css', 'running']],
    );
    await m.close();
    assert.equal(m.watching, false);
  });
});
