import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHost } from '../../src/proc/create-host.js';
import { readProc } from '../../src/proc/procfs.js';
import { useProcessTracker, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { baseEnv, fixture, fx, processUnit, sh } from '../helpers/units.js';

const host = createHost();

const tracker = useProcessTracker();

describe('spawnUnit output', () => {
  it('delivers 4 × 100k lines exactly once, unbroken and in order per process', async () => {
    const sink = new CollectingSink();
    const n = 100_000;
    const units = [0, 1, 2, 3].map((i) => tracker.add(host.spawnUnit(processUnit(`p${i}`, fx('lines.js', String(n), `p${i}-`)), sink)));
    await within(Promise.all(units.map((u) => u.outputDone)), 120_000, 'output of 4 × 100k lines');
    for (const [i, u] of units.entries()) {
      assert.deepEqual(await u.exited, { ...(await u.exited), code: 0, status: 0 });
      const lines = sink.lines(`p${i}`, 'stdout');
      assert.equal(lines.length, n, `p${i} line count`);
      for (let k = 0; k < n; k++) {
        if (lines[k] !== `p${i}-${k + 1}`) assert.fail(`p${i} line ${k + 1} is ${JSON.stringify(lines[k])}`);
      }
    }
    for (const b of sink.batches) assert.ok(b.text.endsWith('\n'), 'every batch ends at a line end');
  });

  it('completes a last line without a newline', async () => {
    const sink = new CollectingSink();
    const u = tracker.add(host.spawnUnit(processUnit('partial', fx('partial.js')), sink));
    await u.outputDone;
    assert.equal(sink.text('partial', 'stdout'), 'first line\nno newline\n');
  });

  it('keeps stdout and stderr apart', async () => {
    const sink = new CollectingSink();
    const u = tracker.add(host.spawnUnit(processUnit('both', sh('echo out; echo err >&2')), sink));
    await u.outputDone;
    assert.equal(sink.text('both', 'stdout'), 'out\n');
    assert.equal(sink.text('both', 'stderr'), 'err\n');
  });

  it('runs with exactly the unit env, in the unit cwd, as leader of its own group', async () => {
    const sink = new CollectingSink();
    const env = baseEnv({ ONLY_THIS: 'yes' });
    const u = tracker.add(host.spawnUnit(processUnit('env', fx('env.js'), { env, cwd: '/tmp' }), sink));
    await u.outputDone;
    assert.deepEqual(JSON.parse(sink.text('env')), env);
    const cwd = tracker.add(host.spawnUnit(processUnit('cwd', sh('pwd; exec sleep 30'), { cwd: '/tmp' }), sink));
    await sink.waitForLine(/^\/tmp$/m, 'cwd');
    assert.equal(cwd.pgid, cwd.pid);
    assert.equal(readProc(cwd.pid ?? -1)?.pgid, cwd.pid);
    cwd.signal('SIGKILL');
    await cwd.exited;
  });

  it('runs an array command without a shell', async () => {
    const sink = new CollectingSink();
    const u = tracker.add(host.spawnUnit(processUnit('argv', { kind: 'exec', file: 'echo', args: ['$HOME', '*', 'a b'] }), sink));
    await u.outputDone;
    assert.equal(sink.text('argv'), '$HOME * a b\n');
  });
});

describe('spawnUnit exit values', () => {
  it('reports an exit code and the duration', async () => {
    const u = tracker.add(host.spawnUnit(processUnit('crash', fx('crash.js', '3', '300')), new CollectingSink()));
    const exit = await u.exited;
    assert.equal(exit.code, 3);
    assert.equal(exit.signal, null);
    assert.equal(exit.status, 3);
    assert.ok(exit.durationMs >= 290, `duration ${exit.durationMs}`);
    assert.equal(exit.error, undefined);
  });

  it('reports a signal by name with status 128+N', async () => {
    const u = tracker.add(host.spawnUnit(processUnit('term', fx('hang.js')), new CollectingSink()));
    u.signal('SIGTERM');
    assert.deepEqual({ ...(await u.exited), durationMs: 0 }, { code: null, signal: 'SIGTERM', status: 143, durationMs: 0 });
  });

  it('reports a shell that kills itself', async () => {
    const u = tracker.add(host.spawnUnit(processUnit('self', sh('kill -KILL $$')), new CollectingSink()));
    const exit = await u.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.equal(exit.status, 137);
  });
});

describe('spawnUnit failures are values', () => {
  const cases: [string, Parameters<typeof processUnit>[1], object, number, string][] = [
    ['command not found', { kind: 'exec', file: 'no-such-command-xyz', args: [] }, {}, 127, 'command not found: no-such-command-xyz'],
    ['missing shell', { kind: 'shell', shell: '/no/such/shell', script: 'true' }, {}, 127, 'command not found: /no/such/shell'],
    ['permission denied', fx('not-executable.sh'), {}, 126, `permission denied: ${fixture('not-executable.sh')}`],
    ['not a directory in the path', { kind: 'exec', file: '/etc/passwd/x', args: [] }, {}, 126, 'not a directory: /etc/passwd/x'],
    ['cwd missing', sh('true'), { cwd: '/no/such/dir' }, 127, 'working directory does not exist: /no/such/dir'],
    ['cwd is a file', sh('true'), { cwd: '/etc/passwd' }, 126, 'working directory is not a directory: /etc/passwd'],
  ];
  for (const [name, command, over, status, error] of cases) {
    it(name, async () => {
      const u = host.spawnUnit(processUnit('bad', command, over), new CollectingSink());
      const exit = await u.exited;
      await u.outputDone;
      assert.equal(exit.status, status);
      assert.equal(exit.error, error);
      assert.equal(exit.code, null);
      assert.equal(exit.signal, null);
      u.signal('SIGTERM');
    });
  }

  it('a NUL byte in an argument or env value is a value too, and the env value stays out of the message', async () => {
    const arg = host.spawnUnit(processUnit('nul', { kind: 'exec', file: 'echo', args: ['a\0b'] }), new CollectingSink());
    assert.equal((await arg.exited).status, 126);
    assert.match((await arg.exited).error ?? '', /^could not start echo: /);
    const env = host.spawnUnit(processUnit('nul', sh('true'), { env: baseEnv({ SECRET: 'hunter2\0x' }) }), new CollectingSink());
    const exit = await env.exited;
    assert.equal(exit.error, 'could not start /bin/sh: invalid value of environment variable SECRET');
  });

  it('a shell reports a missing command as status 127 with its own message', async () => {
    const sink = new CollectingSink();
    const u = host.spawnUnit(processUnit('sh127', sh('no-such-command-xyz')), sink);
    assert.equal((await u.exited).status, 127);
    await u.outputDone;
    assert.match(sink.text('sh127', 'stderr'), /not found/);
  });
});
