// A spawner that cannot run here (built for another machine, a broken file) never costs a unit:
// procs notices at its first spawn that no hello came and starts units through child_process.
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { procs, specProject } from '../helpers/cli.js';

const SPEC = `version: 1
processes:
  a: { command: [sh, -c, 'echo parent $PPID'] }
`;

describe('a spawner that cannot run', () => {
  const cases: { name: string; binary: (dir: string) => string }[] = [
    { name: 'one that exits at once', binary: () => '/bin/false' },
    {
      name: 'a file that is not executable',
      binary: (dir) => {
        const path = join(dir, 'not-executable');
        writeFileSync(path, '#!/bin/sh\n');
        chmodSync(path, 0o644);
        return path;
      },
    },
    {
      name: 'a file of another format (ENOEXEC)',
      binary: (dir) => {
        const path = join(dir, 'garbage');
        writeFileSync(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0]));
        chmodSync(path, 0o755);
        return path;
      },
    },
  ];
  it(
    "(the built spawner, for contrast: the unit is its child, not procs')",
    { skip: process.env.PROCS_SPAWNER === 'node' ? 'PROCS_SPAWNER=node' : false },
    async () => {
      const dir = specProject(SPEC);
      const run = procs(['up'], { cwd: dir, env: { PROCS_SPAWNER: '' } });
      assert.equal(await run.exited, 0, run.text());
      const line = run.stdout.find((l) => /\| parent \d+$/.test(l)) ?? '';
      assert.notEqual(Number(/parent (\d+)$/.exec(line)?.[1]), run.child.pid);
    },
  );

  for (const c of cases) {
    it(`${c.name}: units start through Node, as children of procs`, async () => {
      const dir = specProject(SPEC);
      const run = procs(['up'], { cwd: dir, env: { PROCS_SPAWNER: c.binary(dir) } });
      assert.equal(await run.exited, 0, run.text());
      const line = run.stdout.find((l) => /\| parent \d+$/.test(l));
      assert.ok(line !== undefined, run.text());
      assert.equal(Number(/parent (\d+)$/.exec(line)?.[1]), run.child.pid, 'the unit is a child of procs');
    });
  }
});
