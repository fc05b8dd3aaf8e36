// Every export passes --check: each spec the export tests use, to every target, with each
// target's options, passes the offline checks (and systemd-analyze where it is installed), and
// every key it uses has a fate its exporter chose.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkExport } from '../../src/export/check/index.js';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportOptions, type Target } from '../../src/export/index.js';
import { verifyUnitFiles } from '../../src/proc/systemd-analyze.js';

const at = (rel: string): string => fileURLToPath(new URL(`../../../${rel}`, import.meta.url));

const SPECS: readonly { name: string; cwd: string; files?: string[] }[] = [
  { name: 'the example', cwd: at(''), files: ['procs.example.yaml'] },
  { name: 'the contract example', cwd: at('fixtures/specs/good/contract') },
  { name: 'every key', cwd: at('fixtures/export/every-key') },
  { name: 'pool-heavy', cwd: at('fixtures/export/pools') },
  { name: 'hard to quote', cwd: at('fixtures/export/tricky') },
];

const resolveCommand = (name: string): string | undefined => (/^[a-z][a-z0-9-]*$/.test(name) ? `/usr/bin/${name}` : undefined);

const VARIANTS: readonly { target: Target; label: string; options: ExportOptions }[] = [
  { target: 'kubernetes', label: 'default', options: {} },
  { target: 'kubernetes', label: '--namespace', options: { namespace: 'staging', image: 'registry.example/app:1' } },
  { target: 'compose', label: 'build', options: {} },
  { target: 'compose', label: '--dockerfile', options: { dockerfile: true } },
  { target: 'compose', label: '--mount', options: { mount: true } },
  { target: 'systemd', label: 'system units', options: { resolveCommand } },
  { target: 'systemd', label: '--user --path', options: { resolveCommand, user: true, searchPath: '/opt/node/bin:/usr/bin:/bin' } },
];

describe('every export passes --check', () => {
  for (const spec of SPECS) {
    for (const v of VARIANTS) {
      it(`${spec.name}: ${v.target} ${v.label}`, async (t) => {
        const loaded = await loadForExport({ cwd: spec.cwd, ...(spec.files ? { files: spec.files } : {}) });
        assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
        const result = exportSpec(v.target, loaded.spec, { ...v.options, envFiles: loaded.envFiles, outputDir: `${spec.cwd}/deploy` });
        const reports = await checkExport(v.target, result.files);
        assert.ok(reports.length > 0, 'something was checked');
        assert.deepEqual(
          reports.filter((r) => r.problems.length > 0),
          [],
        );
        assert.deepEqual(
          result.keys.filter((k) => k.how === UNCLASSIFIED),
          [],
        );
        if (v.target !== 'systemd') return;
        const verified = await verifyUnitFiles(result.files, { user: v.options.user === true });
        if (!verified.available) t.skip('systemd-analyze is not on this machine');
        else assert.deepEqual(verified.problems, []);
      });
    }
  }
});
