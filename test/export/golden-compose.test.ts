// The golden compose exports: fixtures/export/every-key (a spec using every key) exported with
// fixed options, once building from the project's Dockerfile and once with --dockerfile; every
// file and the key table compared with test/export/golden/compose*/. PROCS_UPDATE_GOLDEN=1 writes
// them anew.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkExport } from '../../src/export/check/index.js';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportOptions, type ExportResult } from '../../src/export/index.js';
import { keyTableText } from '../../src/export/table.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/export/every-key/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../../test/export/golden/', import.meta.url));
const UPDATE = process.env.PROCS_UPDATE_GOLDEN === '1';

/** The export with fixed options. The output folder sits beside the spec, so paths read as ../NAME on any machine. */
async function golden(extra: ExportOptions): Promise<ExportResult> {
  const loaded = await loadForExport({ cwd: FIXTURE });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  const options: ExportOptions = { outputDir: path.join(FIXTURE, 'out'), envFiles: loaded.envFiles, resolveCommand: (n) => `/usr/bin/${n}`, ...extra };
  return exportSpec('compose', loaded.spec, options);
}

/** Compares a text with its golden file (or writes it, with PROCS_UPDATE_GOLDEN=1). */
function compare(folder: string, name: string, text: string): void {
  const file = path.join(GOLDEN, folder, name);
  if (UPDATE) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `${folder}/${name} differs from its golden file (PROCS_UPDATE_GOLDEN=1 writes it)`);
}

/** The golden comparison of one export: its files, its key table, no key unclassified, its own check passed. */
async function matches(folder: string, r: ExportResult, files: string[]): Promise<void> {
  assert.deepEqual(
    r.files.map((f) => f.path),
    files,
  );
  for (const f of r.files) compare(folder, f.path, f.content);
  compare(folder, 'keys.txt', keyTableText([{ target: 'compose', keys: r.keys, reports: [] }]));
  assert.deepEqual(
    r.keys.filter((k) => k.how === UNCLASSIFIED),
    [],
  );
  const reports = await checkExport('compose', r.files);
  assert.deepEqual(
    reports.flatMap((x) => x.problems),
    [],
  );
}

describe('golden compose export of every key', () => {
  it("building from the project's Dockerfile: the golden files and key table, every key classified, its own check passed", async () => {
    await matches('compose', await golden({}), ['compose.yaml']);
  });

  it('with --dockerfile: the Dockerfile and its ignore file too', async () => {
    await matches('compose-dockerfile', await golden({ dockerfile: true }), ['compose.yaml', 'Dockerfile', 'Dockerfile.dockerignore']);
  });
});
