// The offline check of compose exports: the compose-spec JSON schema and procs' own rules catch
// broken files; what the exporter writes passes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { checkExport } from '../../src/export/check/index.js';

/** The problems of one compose file. */
async function problems(text: string): Promise<string[]> {
  const reports = await checkExport('compose', [{ path: 'compose.yaml', content: text }]);
  assert.deepEqual(
    reports.map((r) => [r.file, r.checker]),
    [['compose.yaml', 'compose-spec JSON schema and procs rules']],
  );
  return [...(reports[0]?.problems ?? [])];
}

const GOOD = `
services:
  db: { image: postgres }
  api:
    build: { context: .., dockerfile: Dockerfile }
    depends_on: { db: { condition: service_started } }
`;

describe('procs export --check: compose', () => {
  it('passes a good file', async () => {
    assert.deepEqual(await problems(GOOD), []);
  });

  it('catches what the schema forbids: an unknown key, a wrong type', async () => {
    const found = await problems(`
services:
  api: { image: x, restart_policy: always, ports: 80 }
`);
    assert.ok(found.includes('/services/api must NOT have additional properties (restart_policy)'), found.join('\n'));
    assert.ok(
      found.some((p) => p.startsWith('/services/api/ports ')),
      found.join('\n'),
    );
  });

  it("catches procs' rules: depends_on naming no service, absolute paths, a service with nothing to run", async () => {
    const found = await problems(`
services:
  api:
    build: { context: /home/me/project, dockerfile: /tmp/Dockerfile }
    env_file: [/home/me/project/.env]
    depends_on: [db]
  idle: { environment: { A: "1" } }
`);
    assert.deepEqual(found, [
      '/services/api/depends_on: no service db',
      '/services/api/build/context: /home/me/project is absolute; the export writes paths relative to its folder',
      '/services/api/build/dockerfile: /tmp/Dockerfile is absolute; the export writes paths relative to its folder',
      '/services/api/env_file/0: /home/me/project/.env is absolute; the export writes paths relative to its folder',
      '/services/idle: neither build nor image: nothing to run',
    ]);
  });

  it('reports a file that is not YAML, and a Dockerfile that does not start with FROM', async () => {
    assert.deepEqual((await problems('services: [\n')).length, 1);
    const reports = await checkExport('compose', [{ path: 'Dockerfile', content: 'WORKDIR /app\nCOPY . .\nnpm ci\n' }]);
    assert.deepEqual(reports, [
      { file: 'Dockerfile', checker: 'procs Dockerfile rules', problems: ['line 3: not an instruction: npm ci', 'the first instruction is not FROM'] },
    ]);
  });

  it("bundles the same compose-spec schema as dclint's, so an upgrade of dclint is seen", () => {
    const ours = JSON.parse(readFileSync(new URL('../../../src/export/check/compose.schema.json', import.meta.url), 'utf8')) as unknown;
    const dclint = path.join(path.dirname(createRequire(import.meta.url).resolve('dclint')), '..');
    let dir = dclint;
    while (!existsSync(path.join(dir, 'schemas/compose.schema.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    const theirs = JSON.parse(readFileSync(path.join(dir, 'schemas/compose.schema.json'), 'utf8')) as unknown;
    assert.deepEqual(ours, theirs, 'src/export/check/compose.schema.json differs from dclint/schemas/compose.schema.json: copy it again');
  });
});
