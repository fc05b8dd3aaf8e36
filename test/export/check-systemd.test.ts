// The offline check of a systemd export (src/export/check/systemd.ts): what is not a unit file procs
// writes, and units named but not exported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkExport } from '../../src/export/check/index.js';

describe('check of a systemd export', () => {
  it('passes a well-formed export, one report per file', async () => {
    const files = [
      { path: 'app-a.service', content: '[Unit]\nPartOf=app.target\n\n[Service]\nExecStart=/usr/bin/node a.js\nRestartSteps=3\nUser=app\n' },
      { path: 'app.target', content: '[Unit]\nWants=app-a.service\n\n[Install]\nWantedBy=multi-user.target\n' },
    ];
    const reports = await checkExport('systemd', files);
    assert.deepEqual(
      reports.map((r) => [r.file, r.checker, r.problems]),
      [
        ['app-a.service', "procs' unit file rules", []],
        ['app.target', "procs' unit file rules", []],
      ],
    );
  });

  it('finds unknown keys, a relative program, a unit named but not exported, a service without ExecStart', async () => {
    const files = [
      { path: 'app-a.service', content: '[Unit]\nRequires=app-b.service\n\n[Service]\nExecStart=bin/a\nRestratSec=1s\n' },
      { path: 'app-c.service', content: '# nothing\n[Service]\nType=exec\n' },
    ];
    const problems = (await checkExport('systemd', files)).flatMap((r) => r.problems);
    assert.deepEqual(problems, [
      'app-a.service:2: Requires= names app-b.service, which is not in the export',
      'app-a.service:5: ExecStart= runs bin/a: systemd wants an absolute path or a bare name',
      'app-a.service:6: unknown key RestratSec in [Service]',
      'app-c.service: no ExecStart=',
    ]);
  });
});
