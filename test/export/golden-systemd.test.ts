// The golden systemd export of fixtures/export/every-key (a spec using every key): every unit file
// and the key table, byte for byte, with a fixed resolver so nothing depends on the machine.
// PROCS_UPDATE_GOLDEN=1 writes the expected files again.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkExport } from '../../src/export/check/index.js';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportOptions, type ExportResult } from '../../src/export/index.js';
import { keyTableText } from '../../src/export/table.js';

const EVERY_KEY = fileURLToPath(new URL('../../../fixtures/export/every-key', import.meta.url));
const GOLDEN = fileURLToPath(new URL('../../../test/export/golden/systemd/', import.meta.url));
/** Where the fixture's absolute paths (WorkingDirectory=, EnvironmentFile=) are written in the golden files. */
const PLACE = '/srv/every-key';

const resolveCommand = (name: string): string => `/usr/bin/${name}`;

async function exported(options: ExportOptions = {}): Promise<ExportResult> {
  const loaded = await loadForExport({ cwd: EVERY_KEY });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  return exportSpec('systemd', loaded.spec, { envFiles: loaded.envFiles, outputDir: '/out', resolveCommand, ...options });
}

/** The files of an export and its key table, the checkout's location replaced by PLACE. */
function goldenFiles(r: ExportResult): Map<string, string> {
  const place = (text: string): string => text.replaceAll(EVERY_KEY, PLACE);
  const out = new Map(r.files.map((f) => [f.path, place(f.content)]));
  out.set('keys.txt', place(keyTableText([{ target: 'systemd', keys: r.keys, reports: [] }])));
  return out;
}

describe('golden systemd export of every key', () => {
  it('writes the golden files and key table', async () => {
    const files = goldenFiles(await exported());
    if (process.env.PROCS_UPDATE_GOLDEN === '1') {
      rmSync(GOLDEN, { recursive: true, force: true });
      mkdirSync(GOLDEN, { recursive: true });
      for (const [name, text] of files) writeFileSync(path.join(GOLDEN, name), text);
    }
    assert.deepEqual([...files.keys()].sort(), readdirSync(GOLDEN).sort());
    for (const [name, text] of files) assert.equal(text, readFileSync(path.join(GOLDEN, name), 'utf8'), name);
  });

  it('classifies every key, and the offline check finds no problem', async () => {
    const r = await exported();
    assert.deepEqual(
      r.keys.filter((k) => k.how === UNCLASSIFIED),
      [],
    );
    const reports = await checkExport('systemd', r.files);
    assert.equal(reports.length, r.files.length);
    assert.deepEqual(
      reports.flatMap((x) => x.problems),
      [],
    );
  });

  it('--user and --path: user units, the PATH in every service, and the same keys', async () => {
    const system = await exported();
    const r = await exported({ user: true, searchPath: '/home/dev/.nvm/versions/node/v24/bin:/usr/bin' });
    assert.deepEqual(
      r.files.map((f) => f.path),
      system.files.map((f) => f.path),
    );
    for (const f of r.files) {
      assert.match(f.content, /^# User units: copy these files to ~\/\.config\/systemd\/user/m, f.path);
      assert.doesNotMatch(f.content, /^User=/m, f.path);
      if (f.path.endsWith('.service')) assert.match(f.content, /\nEnvironment="PATH=\/home\/dev\/\.nvm\/versions\/node\/v24\/bin:\/usr\/bin"\n/, f.path);
    }
    assert.match(r.files.find((f) => f.path === 'every-key.target')?.content ?? '', /\nWantedBy=default\.target\n/);
    assert.deepEqual(
      r.keys.map((k) => [k.unit, k.key]),
      system.keys.map((k) => [k.unit, k.key]),
    );
    // The script's later commands are found on the PATH given: `command` of a shell script is mapped.
    assert.ok(!r.keys.some((k) => k.how.includes("later commands through systemd's PATH")));
    assert.deepEqual(
      (await checkExport('systemd', r.files)).flatMap((x) => x.problems),
      [],
    );
  });
});
