// Whole specs exported to every engine and checked by each engine's own rules: the contract's
// example, and a spec of everything at once with commands that are hard to quote.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportSpec, loadForExport, TARGETS, type ExportResult, type Target } from '../../src/export/index.js';
import { composeSchemaErrors, fileText, systemdStructure, systemdVerify } from './helpers.js';
import { kubernetesProblems } from './k8s-check.js';

const CONTRACT = fileURLToPath(new URL('../../../fixtures/specs/good/contract/', import.meta.url));
const TRICKY = fileURLToPath(new URL('../../../fixtures/export/tricky/', import.meta.url));

/** A spec folder exported to `target`, as the CLI would (its own env only, env files referenced). */
async function exported(target: Target, cwd = CONTRACT): Promise<ExportResult> {
  const loaded = await loadForExport({ cwd });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  return exportSpec(target, loaded.spec, { envFiles: loaded.envFiles, outputDir: '/out' });
}

describe('export of the contract example', () => {
  it('kubernetes: every object passes its OpenAPI schema and the API server rules', async () => {
    const r = await exported('kubernetes');
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['kubernetes.yaml', 'kustomization.yaml'],
    );
    assert.deepEqual(kubernetesProblems(fileText(r.files, 'kubernetes.yaml'), ['contract-env']), []);
  });

  it('compose: the file passes the compose-spec JSON schema', async () => {
    const r = await exported('compose');
    assert.deepEqual(composeSchemaErrors(fileText(r.files, 'compose.yaml')), []);
  });

  it('systemd: every unit file is well formed, and systemd-analyze verify accepts them where it exists', async (t) => {
    const r = await exported('systemd');
    assert.deepEqual(r.files.map((f) => f.path).sort(), [
      'contract-api.service',
      'contract-db.service',
      'contract-errors.service',
      'contract-migrate.service',
      'contract-worker.0.service',
      'contract-worker.1.service',
      'contract-worker.2.service',
      'contract-worker.3.service',
      'contract.target',
    ]);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const verify = systemdVerify(r.files);
    if (verify === undefined) t.skip('systemd-analyze is not on this machine');
    else assert.deepEqual(verify, []);
  });

  it('never copies a value from an env file: .env is referenced, and ${REDIS_PORT:-6390} takes its default', async () => {
    for (const target of TARGETS) {
      const text = (await exported(target)).files.map((f) => f.content).join('\n');
      assert.doesNotMatch(text, /6391|FROM_DOTENV/, target);
      assert.match(text, /6390/, target);
      assert.match(text, /\.env/, target);
    }
  });

  it('writes byte-identical files for the same spec', async () => {
    for (const target of TARGETS) assert.deepEqual(await exported(target), await exported(target), target);
  });

  it('says what does not map, once per thing', async () => {
    const notes = (await exported('kubernetes')).notes;
    assert.equal(new Set(notes).size, notes.length);
    assert.ok(notes.some((n) => n.includes('apps.kubernetes.io/pod-index')));
    assert.ok(notes.some((n) => n.includes('watch rules')));
    assert.ok(notes.includes('env file .env is not copied: kustomization.yaml generates Secret contract-env from it'));
  });
});

describe('export of a spec with everything at once', () => {
  it("passes every engine's checks", async (t) => {
    assert.deepEqual(kubernetesProblems(fileText((await exported('kubernetes', TRICKY)).files, 'kubernetes.yaml')), []);
    assert.deepEqual(composeSchemaErrors(fileText((await exported('compose', TRICKY)).files, 'compose.yaml')), []);
    const units = (await exported('systemd', TRICKY)).files;
    assert.deepEqual(units.flatMap(systemdStructure), []);
    const verify = systemdVerify(units);
    if (verify === undefined) t.skip('systemd-analyze is not on this machine');
    else assert.deepEqual(verify, []);
  });

  it('references both env files and copies no value from them', async () => {
    for (const target of TARGETS) {
      const r = await exported(target, TRICKY);
      const text = r.files.map((f) => f.content).join('\n') + r.notes.join('\n');
      assert.doesNotMatch(text, /secret-value/, target);
      assert.match(text, /shared\.env/, target);
      assert.match(text, /migrate\.env/, target);
    }
  });

  it('is deterministic', async () => {
    for (const target of TARGETS) assert.deepEqual(await exported(target, TRICKY), await exported(target, TRICKY), target);
  });
});
