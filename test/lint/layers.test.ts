// The layering rules of eslint.config.js report a forbidden import planted in a source file and
// let an allowed one pass. The planted text is linted with the layer rules the real config gives
// that file (calculateConfigForFile), without type information: the type-aware rules need the
// file on disk and a program, the layer rules need neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { ROOT } from '../helpers/cli.js';

const LAYER_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax', 'no-restricted-properties'];

const project = new ESLint({ cwd: ROOT });

/** The ruleIds reported for `code` as if it were the file `path` (from the package root). */
async function lint(path: string, code: string): Promise<string[]> {
  const config = (await project.calculateConfigForFile(join(ROOT, path))) as Linter.Config;
  const rules = Object.fromEntries(Object.entries(config.rules ?? {}).filter(([id]) => LAYER_RULES.includes(id)));
  assert.ok('@typescript-eslint/no-restricted-imports' in rules, `eslint.config.js sets no layer rules for ${path}`);
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [tseslint.configs.base, { files: ['**/*.ts'], rules }],
  });
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) });
  assert.ok(result !== undefined);
  const fatal = result.messages.filter((m) => m.fatal === true);
  assert.deepEqual(fatal, [], 'the planted text parses');
  return result.messages.map((m) => `${m.ruleId ?? '?'}: ${m.message}`);
}

const planted: [string, string, RegExp][] = [
  ['src/runtime/planted.ts', "import { spawnUnit } from '../proc/spawn.js';", /runtime\/ may not import proc\//],
  ['src/runtime/planted.ts', "import { readFileSync } from 'node:fs';", /runtime\/ is pure/],
  ['src/runtime/planted.ts', "import { readFileSync } from 'fs';", /runtime\/ is pure/],
  ['src/runtime/planted.ts', "import type { OutputSink } from '../output/format.js';", /runtime\/ may not import output\//],
  ['src/control/planted.ts', "import { parseArgs } from '../cli/args.js';", /control\/ may not import cli\//],
  ['src/control/planted.ts', "export { project } from '../app/project.js';", /control\/ may not import app\//],
  ['src/app/planted.ts', "const { parseArgs } = await import('../cli/args.js');", /app\/ may not import cli\//],
  ['src/health/planted.ts', "import { runCheck } from '../proc/check-command.js';", /health\/ may not import proc\//],
  ['src/watch/planted.ts', "import type { Spawned } from '../proc/spawn.js';", /watch\/ may not import proc\//],
  ['src/base/planted.ts', "import type { Spec } from '../config/spec.js';", /base\/ may not import config\//],
  ['src/cli/planted.ts', "import { spawn } from 'node:child_process';", /node:child_process belongs in proc\//],
  ['src/control/planted.ts', "process.stdout.write('hi\\n');", /only output\/ .* and cli\/ write to the terminal/],
  ['src/app/planted.ts', 'const { stderr } = process;', /only output\/ .* and cli\/ write to the terminal/],
  ['src/preload/planted.ts', "import { printable } from '../base/printable.js';", /preload\/ is loaded into users' Node processes/],
  ['src/preload/planted.ts', "import { parse } from 'yaml';", /preload\/ is loaded into users' Node processes/],
  ['src/preload/planted.ts', "const yaml = await import('yaml');", /preload\/ is loaded into users' Node processes/],
  ['src/preload/planted.ts', "import { spawn } from 'node:child_process';", /node:child_process belongs in proc\//],
  ['src/preload/planted.ts', "process.stderr.write('hi\\n');", /preload\/ writes nothing to the terminal/],
  ['src/app/planted.ts', "import '../preload/listen.cjs';", /app\/ may not import preload\//],
  ['src/planted.ts', "import './preload/listen.cjs';", /may not import preload\//],
];

for (const [path, code, expected] of planted) {
  test(`lint reports \`${code}\` in ${path}`, async () => {
    const messages = await lint(path, code);
    assert.ok(
      messages.some((m) => expected.test(m)),
      `expected a report matching ${String(expected)}, got ${JSON.stringify(messages)}`,
    );
  });
}

const allowed: [string, string][] = [
  ['src/runtime/planted.ts', "import type { Readable } from 'node:stream';\nimport type { Spec } from '../config/spec.js';"],
  ['src/proc/planted.ts', "import { spawn } from 'node:child_process';\nimport type { ProcessDriver } from '../runtime/driver.js';"],
  ['src/app/detach.ts', "import { spawn } from 'node:child_process';"],
  ['src/cli/planted.ts', "import { project } from '../app/project.js';\nprocess.stdout.write('hi\\n');"],
  ['src/output/planted.ts', "import { formatExit } from '../events/exit.js';\nprocess.stderr.write('hi\\n');"],
  ['src/health/planted.ts', "import type { ProcessDriver } from '../runtime/driver.js';"],
  ['src/preload/planted.ts', "import type { Server } from 'node:net';\nimport { x } from './other.cjs';"],
];

for (const [path, code] of allowed) {
  test(`lint allows \`${code.split('\n')[0]}\` in ${path}`, async () => {
    assert.deepEqual(await lint(path, code), []);
  });
}
