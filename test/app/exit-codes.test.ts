// The one mapping of failures to procs' exit codes, and the command line saying them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { EXIT, exitCodeOf } from '../../src/app/exit-codes.js';
import { UsageError } from '../../src/app/usage-error.js';
import { main } from '../../src/cli/command.js';
import { ControlError, type ControlErrorCode } from '../../src/control/api.js';

const root = mkdtempSync(join(tmpdir(), 'procs-exit-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What `main(argv)` writes to stderr, and its exit code. */
async function run(argv: readonly string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const write = mock.method(process.stderr, 'write', (chunk: string) => ((stderr += chunk), true));
  try {
    return { code: await main(argv), stderr };
  } finally {
    write.mock.restore();
  }
}

describe('exit codes', () => {
  it('maps a usage error to 2 and control errors by what went wrong', () => {
    assert.equal(exitCodeOf(new UsageError('bad')), EXIT.usage);
    const codes: [ControlErrorCode, number][] = [
      ['unknown-unit', 2],
      ['bad-request', 2],
      ['too-large', 2],
      ['spec-error', 2],
      ['not-running', 1],
      ['denied', 1],
      ['stopping', 1],
      ['no-answer', 1],
      ['internal', 1],
    ];
    for (const [code, exit] of codes) assert.equal(exitCodeOf(new ControlError(code, 'x')), exit, code);
  });

  it('leaves any other failure unmapped: an internal error', () => {
    assert.equal(exitCodeOf(new Error('boom')), undefined);
    assert.equal(exitCodeOf('boom'), undefined);
  });

  it("says a command's control error with its command and exits with its code", async () => {
    writeFileSync(join(root, 'procs.yaml'), 'web: { run: "true" }\n');
    const r = await run(['ps', '-f', join(root, 'procs.yaml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^procs ps: no procs project is running in /);
  });

  it("says a command's usage error with its command and exits 2", async () => {
    assert.deepEqual(await run(['scale']), { code: 2, stderr: 'procs scale: name the pools and their sizes: procs scale POOL=N…\n' });
  });
});
