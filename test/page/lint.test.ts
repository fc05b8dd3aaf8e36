// The lint rules of page/: the page imports only Preact, its own files and the dashboard's
// protocol; page/lib/ (pure, compiled for the tests) not the page's DOM files; no Node globals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { ROOT } from '../helpers/cli.js';

const RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-globals'];
const project = new ESLint({ cwd: ROOT });

/** The rules reported for `code` as if it were the file `path`, with page/'s import and global rules only. */
async function lint(path: string, code: string): Promise<string[]> {
  const config = (await project.calculateConfigForFile(join(ROOT, path))) as Linter.Config;
  const rules = Object.fromEntries(Object.entries(config.rules ?? {}).filter(([id]) => RULES.includes(id)));
  const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: true, overrideConfig: [tseslint.configs.base, { files: ['**/*.ts', '**/*.tsx'], rules }] });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  assert.ok(result !== undefined);
  assert.deepEqual(
    result.messages.filter((m) => m.fatal === true),
    [],
  );
  return result.messages.map((m) => `${m.ruleId ?? '?'}: ${m.message}`);
}

const refused: [string, string, RegExp][] = [
  ['page/planted.tsx', "import { h } from 'react';", /only preact and preact\/hooks/],
  ['page/planted.ts', "import { readFileSync } from 'node:fs';", /only preact and preact\/hooks/],
  ['page/planted.ts', "import type { UnitRow } from '../src/control/api.js';", /only its own files and src\/dashboard\/protocol/],
  ['page/lib/planted.ts', "import { LogView } from '../log-view.js';", /page\/lib\/ .* only its own files/],
  ['page/planted.ts', 'export const argv = process.argv;', /runs in a browser/],
];
const allowed: [string, string][] = [
  ['page/planted.tsx', "import { render } from 'preact';\nimport { useState } from 'preact/hooks';\nimport { App } from './app.js';"],
  ['page/planted.ts', "import { ACTION_HEADER } from '../src/dashboard/protocol.js';"],
  ['page/lib/planted.ts', "import type { LogLine } from '../../src/dashboard/protocol.js';\nimport { parseAnsi } from './ansi.js';"],
];

for (const [path, code, expected] of refused) {
  test(`lint refuses \`${code}\` in ${path}`, async () => {
    const messages = await lint(path, code);
    assert.ok(
      messages.some((m) => expected.test(m)),
      messages.join('\n'),
    );
  });
}
for (const [path, code] of allowed) {
  test(`lint lets \`${code.split('\n')[0]}\` in ${path} pass`, async () => {
    assert.deepEqual(await lint(path, code), []);
  });
}
