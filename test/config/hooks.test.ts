// `hooks:` on processes, pools and pipelines: normalized like `command` (interpolated against the
// unit's env), the timeout in milliseconds (default 30s), in the unit only when given (so other
// units' hashes stay the same), and printed by `procs config` without values.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { SET } from '../../src/config/redact.js';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, proc, specOf, unit } from './helpers.js';

const SPEC = `version: 1
env: { TOKEN: s3cret }
processes:
  api:
    command: node api.js
    hooks:
      post_start: 'curl -H "x-token: \${TOKEN}" http://127.0.0.1/warm'
      pre_stop: { command: ["drain", "--fast"], timeout: 5s }
      on_failure:
        command: notify-send "\${PROCS_FAILED_UNIT}"
  plain:
    command: node plain.js
pools:
  worker:
    command: node worker.js
    replicas: 2
    hooks:
      post_start: echo up \${WORKER_ID}
pipelines:
  errors:
    steps: ["tail -F log", "grep ERROR"]
    hooks: { on_failure: ["alert", "errors"] }
`;

describe('hooks in the spec', () => {
  const spec = specOf(build({ 'procs.yaml': SPEC }));

  it('normalizes each hook: a string through the shell, an array exec\u2019d, interpolated, default timeout 30s', () => {
    const api = proc(spec, 'api');
    assert.deepEqual(api.hooks?.post_start?.command, {
      kind: 'shell',
      shell: '/bin/sh',
      script: 'curl -H "x-token: s3cret" http://127.0.0.1/warm',
      written: 'curl -H "x-token: ${TOKEN}" http://127.0.0.1/warm',
    });
    assert.equal(api.hooks?.post_start?.timeoutMs, 30_000);
    assert.deepEqual(api.hooks?.pre_stop, { command: { kind: 'exec', file: 'drain', args: ['--fast'] }, timeoutMs: 5000 });
    // PROCS_FAILED_UNIT is not in the unit's env when the spec is read: it is left empty, as any unset variable.
    assert.equal(api.hooks?.on_failure?.command.kind, 'shell');
    assert.deepEqual(
      ['worker.0', 'worker.1'].map((n) => {
        const c = unit(spec, n).hooks?.post_start?.command;
        return c?.kind === 'shell' ? c.script : undefined;
      }),
      ['echo up 0', 'echo up 1'],
    );
    assert.deepEqual(unit(spec, 'errors').hooks, { on_failure: { command: { kind: 'exec', file: 'alert', args: ['errors'] }, timeoutMs: 30_000 } });
  });

  it('leaves a unit without hooks as it was, its hash the same', () => {
    assert.equal(Object.hasOwn(proc(spec, 'plain'), 'hooks'), false);
    const without = specOf(build({ 'procs.yaml': SPEC.replace(/ {4}hooks:\n( {6}.*\n)+/, '') }));
    assert.equal(proc(without, 'plain').hash, proc(spec, 'plain').hash);
    assert.notEqual(proc(without, 'api').hash, proc(spec, 'api').hash);
  });

  it('is printed by procs config in its full form, values as <set>, and reads back the same', () => {
    const plain = toPlainSpec(spec, { inherited: ENV, showValues: false }) as Record<string, Record<string, Record<string, unknown>>>;
    assert.ok(!JSON.stringify(plain).includes('s3cret'));
    assert.deepEqual(plain.processes?.api?.hooks, {
      post_start: { command: `curl -H "x-token: ${SET}" http://127.0.0.1/warm`, timeout: '30s' },
      pre_stop: { command: ['drain', '--fast'], timeout: '5s' },
      on_failure: { command: 'notify-send ""', timeout: '30s' },
    });
    assert.deepEqual(plain.pools?.worker?.hooks, { post_start: { command: 'echo up ${WORKER_ID}', timeout: '30s' } });
    const shown = toPlainSpec(spec, { inherited: ENV, showValues: true });
    const again = specOf(build({ 'procs.yaml': stringify(shown) }));
    assert.deepEqual(proc(again, 'api').hooks?.pre_stop, proc(spec, 'api').hooks?.pre_stop);
  });
});
