// The golden Kubernetes export: fixtures/export/every-key (a spec using every key) exported with
// fixed options, every file and the key table compared with test/export/golden/kubernetes/.
// PROCS_UPDATE_GOLDEN=1 writes them anew.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkExport } from '../../src/export/check/index.js';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportOptions } from '../../src/export/index.js';
import { keyTableText } from '../../src/export/table.js';

const FIXTURE = fileURLToPath(new URL('../../../fixtures/export/every-key/', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../../test/export/golden/kubernetes/', import.meta.url));
const UPDATE = process.env.PROCS_UPDATE_GOLDEN === '1';

/** The export with fixed options. The output folder sits beside the spec, so env files read as ../NAME on any machine. */
async function golden() {
  const loaded = await loadForExport({ cwd: FIXTURE });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  const options: ExportOptions = {
    outputDir: path.join(FIXTURE, 'out'),
    envFiles: loaded.envFiles,
    namespace: 'every-key',
    resolveCommand: (n) => `/usr/bin/${n}`,
  };
  return exportSpec('kubernetes', loaded.spec, options);
}

/** Compares a text with its golden file (or writes it, with PROCS_UPDATE_GOLDEN=1). */
function compare(name: string, text: string): void {
  const file = path.join(GOLDEN, name);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  assert.equal(text, readFileSync(file, 'utf8'), `${name} differs from its golden file (PROCS_UPDATE_GOLDEN=1 writes it)`);
}

describe('golden kubernetes export of every key', () => {
  it('writes the golden files and key table, every key classified, and passes its own check', async () => {
    const r = await golden();
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['kubernetes.yaml', 'kustomization.yaml'],
    );
    for (const f of r.files) compare(f.path, f.content);
    compare('keys.txt', keyTableText([{ target: 'kubernetes', keys: r.keys, reports: [] }]));
    assert.deepEqual(
      r.keys.filter((k) => k.how === UNCLASSIFIED),
      [],
    );
    const reports = await checkExport('kubernetes', r.files);
    assert.deepEqual(
      reports.flatMap((x) => x.problems),
      [],
    );
  });
});
