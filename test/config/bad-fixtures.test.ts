// Every broken spec in fixtures/specs/bad gives exactly the diagnostics in its `.expected` file.
// A case is NAME.yaml (loaded with -f), NAME.args.json ({ cwd?, files?, formation? }) or a folder
// NAME/ (discovered from there). UPDATE_FIXTURES=1 rewrites the `.expected` files.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic, loadSpec, type LoadOptions } from '../../src/config/index.js';
import { ENV, FIXTURES } from './helpers.js';

const BAD = path.join(FIXTURES, 'bad');

interface Case {
  readonly name: string;
  readonly options: LoadOptions;
}

/** The cases in the bad folder, by name. */
function cases(): Case[] {
  const out: Case[] = [];
  for (const entry of readdirSync(BAD).sort()) {
    if (entry.startsWith('_') || entry.endsWith('.expected')) continue;
    const full = path.join(BAD, entry);
    if (statSync(full).isDirectory()) {
      out.push({ name: entry, options: { cwd: full, env: { ...ENV } } });
    } else if (entry.endsWith('.yaml')) {
      out.push({ name: entry.slice(0, -5), options: { cwd: BAD, files: [entry], env: { ...ENV } } });
    } else if (entry.endsWith('.args.json')) {
      const args = JSON.parse(readFileSync(full, 'utf8')) as { cwd?: string; files?: string[]; formation?: Record<string, number> };
      out.push({
        name: entry.slice(0, -'.args.json'.length),
        options: {
          cwd: path.join(BAD, args.cwd ?? '.'),
          files: (args.files ?? []).map((f) => path.join(BAD, f)),
          env: { ...ENV },
          ...(args.formation ? { formation: args.formation } : {}),
        },
      });
    }
  }
  return out;
}

test('there are at least 35 broken specs', () => {
  assert.ok(cases().length >= 35, `only ${cases().length} cases`);
});

for (const c of cases()) {
  test(`bad spec: ${c.name}`, async () => {
    const result = await loadSpec(c.options);
    const actual = result.diagnostics.map((d) => formatDiagnostic(d, BAD)).join('\n') + '\n';
    const expectedFile = path.join(BAD, `${c.name}.expected`);
    if (process.env.UPDATE_FIXTURES === '1') writeFileSync(expectedFile, actual);
    assert.ok(existsSync(expectedFile), `missing ${expectedFile}`);
    assert.equal(result.spec, undefined, 'a broken spec gives no Spec');
    assert.ok(
      result.diagnostics.some((d) => d.severity === 'error'),
      'at least one error',
    );
    assert.equal(actual, readFileSync(expectedFile, 'utf8'));
  });
}
