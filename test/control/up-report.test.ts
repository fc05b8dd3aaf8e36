// What a failed `up --wait` prints: the reason, then each failing unit's last lines, asked of the
// project (its memory is never behind), or read from the log files once the project has gone.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it, mock } from 'node:test';
import { ControlError, type ControlApi, type TailResult } from '../../src/control/api.js';
import { projectPaths } from '../../src/rundir/paths.js';
import { printVerdict } from '../../src/app/up-report.js';

const root = mkdtempSync(join(tmpdir(), 'procs-report-'));
const paths = projectPaths(root);
mkdirSync(paths.logs, { recursive: true });
// On disk, db's log is behind: its last line is not there yet.
writeFileSync(join(paths.logs, 'db.log'), '2025-05-01T10:04:31.123Z out starting db\n');
after(() => rmSync(root, { recursive: true, force: true }));

/** A project whose `tail` answers with `answer`, or fails with it. */
const project = (answer: TailResult | ControlError): ControlApi =>
  ({ tail: async () => (answer instanceof ControlError ? Promise.reject(answer) : answer) }) as unknown as ControlApi;

/** What printVerdict writes to stderr, and its exit code. */
async function report(api: ControlApi): Promise<{ code: number; text: string }> {
  let text = '';
  const write = mock.method(process.stderr, 'write', (chunk: string) => ((text += chunk), true));
  try {
    const code = await printVerdict({ kind: 'failed', reason: 'db failed: exited with code 3', units: ['db'] }, api, paths, {
      out: process.stdout,
      err: process.stderr,
    });
    return { code, text };
  } finally {
    write.mock.restore();
  }
}

describe('up --wait failure report', () => {
  it("shows the unit's last lines from the project's memory, not from its lagging log file", async () => {
    const tail: TailResult = {
      units: [
        {
          unit: 'db',
          lines: [
            { stream: 'stdout', text: 'starting db' },
            { stream: 'stderr', text: 'cannot bind' },
          ],
        },
      ],
    };
    assert.deepEqual(await report(project(tail)), {
      code: 1,
      text: 'procs up: db failed: exited with code 3\nlast lines of db:\n  db | starting db\n  db | cannot bind\n',
    });
  });

  it('reads the log files when the project cannot answer', async () => {
    const gone = new ControlError('not-running', 'no procs project is running');
    assert.deepEqual(await report(project(gone)), { code: 1, text: 'procs up: db failed: exited with code 3\nlast lines of db:\n  db | starting db\n' });
  });
});
