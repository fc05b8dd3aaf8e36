// Hooks with real processes through the built `procs`: post_start's output as `api:post_start`
// (terminal and the unit's log) before a healthy dependent starts, pre_stop before the stop
// signal, on_failure's variables (procs waits for it before it ends), a hook's timeout killing its
// whole group, and nothing left behind.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertClean, procs, readEvents, specProject, taggedProcesses } from '../helpers/cli.js';
import { cmdline, waitFor, within } from '../helpers/processes.js';

// A unit that waits for SIGTERM, then writes whether pre_stop's file was there when the signal came.
const API = `trap 'if [ -f pre-stopped ]; then echo yes > seen; else echo no > seen; fi; exit 0' TERM; echo api-up; while :; do sleep 0.05; done`;

describe('hooks', () => {
  it('runs post_start before healthy dependents and pre_stop before the stop signal, output as api:post_start', async () => {
    const dir = specProject(`processes:
  api:
    command: ${JSON.stringify(API)}
    hooks:
      post_start: echo warmed; touch warmed
      pre_stop: echo draining; touch pre-stopped
  web:
    command: if [ -f warmed ]; then echo web-saw-warm; else echo web-too-early; fi; exec sleep 300
    depends_on: { api: healthy }
`);
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/web-(saw-warm|too-early)/);
    assert.match(up.text(), /api:post_start +\| warmed/);
    assert.match(up.text(), /web-saw-warm/);
    up.child.kill('SIGTERM');
    assert.equal(await within(up.exited, 30_000, 'procs up to stop'), 0);
    await assertClean(up);
    assert.match(up.text(), /api:pre_stop +\| draining/);
    assert.equal(readFileSync(join(dir, 'seen'), 'utf8'), 'yes\n', 'pre_stop ran before SIGTERM');
    const log = readFileSync(join(dir, '.procs/logs/api.log'), 'utf8');
    assert.match(log, / out \[post_start\] warmed\n/);
    assert.match(log, / out \[pre_stop\] draining\n/);
    const hooks = readEvents(dir).filter((e) => e.type === 'hook');
    assert.deepEqual(
      hooks.map((e) => `${e.unit} ${String(e.hook)} ${String(e.phase)} ${String(e.status)}`),
      ['api post_start start undefined', 'api post_start end 0', 'api pre_stop start undefined', 'api pre_stop end 0'],
    );
  });

  it('runs on_failure with the failed unit and its exit in its env; procs ends only after it', async () => {
    const dir = specProject(`env: { SECRET_TOKEN: hunter2 }
processes:
  job:
    command: exit 3
    restart: never
    hooks:
      on_failure: 'echo "unit=$PROCS_FAILED_UNIT code=$PROCS_EXIT_CODE signal=[$PROCS_EXIT_SIGNAL] token=$\${#SECRET_TOKEN}"; sleep 0.5; echo after-wait'
`);
    const up = procs(['up'], { cwd: dir });
    const code = await within(up.exited, 30_000, 'procs up to end by itself');
    assert.equal(code, 1, up.text());
    assert.match(up.text(), /job:on_failure +\| unit=job code=3 signal=\[\] token=7/);
    assert.match(up.text(), /job:on_failure +\| after-wait/);
    assert.ok(!up.text().includes('hunter2'), 'no env value is printed');
    await assertClean(up);
  });

  it('kills a hook and its whole group at its timeout, which fails the start', async () => {
    const dir = specProject(`processes:
  api:
    command: exec sleep 300
    restart: never
    hooks:
      post_start: { command: "(sleep 310 &); echo waiting; sleep 311", timeout: 2s }
`);
    const up = procs(['up'], { cwd: dir });
    await up.waitFor(/api:post_start +\| waiting/);
    const sleepers = (): number[] => taggedProcesses(up.tag).filter((pid) => /^sleep 31[01]/.test(cmdline(pid).replaceAll('\0', ' ')));
    await waitFor(() => sleepers().length === 2, 'the hook and the process it left in its group');
    assert.equal(await within(up.exited, 30_000, 'procs up to end by itself'), 1);
    assert.deepEqual(sleepers(), []);
    assert.match(up.text(), /failed: .*post_start hook timed out after 2s/);
    const end = readEvents(dir).find((e) => e.type === 'hook' && e.phase === 'end');
    assert.equal(end?.timedOut, true);
    await assertClean(up);
  });
});
