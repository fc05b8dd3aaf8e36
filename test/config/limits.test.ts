// The bounds every spec is held to: durations a timer can hold, names a file name can hold, files
// and interpolated values of bounded size, `-m` counts checked before anything is built, and
// control characters never echoed raw.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { formatDiagnostic, loadSpec } from '../../src/config/index.js';
import { MAX_DURATION_MS, parseDurationArg } from '../../src/config/durations.js';
import { MAX_ENV_FILE_BYTES, MAX_NAME_LENGTH, MAX_SPEC_BYTES, UNIT_DURATIONS, WATCH_DURATIONS } from '../../src/config/limits.js';
import { printable } from '../../src/base/printable.js';
import { readFromDisk } from '../../src/config/read.js';
import { build, lines, tempTree } from './helpers.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../../schema/procs.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
type Node = Record<string, unknown>;

/** The paths (below a unit definition) where the schema places a duration. */
function durationPaths(def: string, seen = new Set<string>()): string[][] {
  const defs = SCHEMA.$defs as Record<string, Node>;
  const walk = (node: Node, at: string[]): string[][] => {
    const ref = typeof node.$ref === 'string' ? node.$ref.split('/').at(-1)! : undefined;
    if (ref === 'duration') return [at];
    if (ref !== undefined) {
      if (seen.has(ref)) return [];
      return walk(defs[ref]!, at);
    }
    const out: string[][] = [];
    for (const [k, v] of Object.entries((node.properties as Record<string, Node> | undefined) ?? {})) out.push(...walk(v, [...at, k]));
    for (const branch of (node.anyOf as Node[] | undefined) ?? []) out.push(...walk(branch, at));
    return out;
  };
  return walk(defs[def]!, []);
}

test('every duration the schema allows is bounded, below what a Node timer holds', () => {
  const key = (p: readonly string[]): string => p.join('.');
  // Pools have no `schedule`; every other unit duration is in each kind of unit.
  const unitDurations = (def: string) => UNIT_DURATIONS.map(key).filter((k) => def !== 'pool' || !k.startsWith('schedule.'));
  for (const def of ['process', 'pool', 'pipeline']) assert.deepEqual(durationPaths(def).map(key).sort(), unitDurations(def).sort(), def);
  assert.deepEqual(durationPaths('watchRule').map(key), WATCH_DURATIONS.map(key));
  assert.ok(MAX_DURATION_MS < 2 ** 31 - 1);
  assert.equal(parseDurationArg('576h'), MAX_DURATION_MS);
  assert.equal(parseDurationArg('576h1ms'), undefined);
  assert.equal(parseDurationArg('30'), 30_000);
  // A duration within the bound is taken as it is.
  const r = build({
    'procs.yaml': 'version: 1\nprocesses:\n  a: { command: x, stop: { timeout: 576h }, health: { readiness: { tcp: 1, interval: 2073600 } } }\n',
  });
  assert.equal(lines(r), '');
});

test('names are bounded so that every file derived from them fits a file name', () => {
  const defs = SCHEMA.$defs as Record<string, Node>;
  assert.equal(defs.name?.maxLength, MAX_NAME_LENGTH);
  // The longest derived file: a pool instance's log, rotated as far as `log.keep` allows.
  const keep = (defs.log?.properties as Record<string, Node>).keep?.maximum as number;
  assert.ok(Buffer.byteLength(`${'n'.repeat(MAX_NAME_LENGTH)}.1023.watch.log.${keep}`) < 255 / 2);
  const ok = build({ 'procs.yaml': `version: 1\npools:\n  ${'a'.repeat(63)}: { command: x }\n` });
  assert.equal(lines(ok), '');
  const long = build({ 'procs.yaml': `version: 1\nprocesses:\n  ${'a'.repeat(64)}: { command: x }\nwatch:\n  ${'w'.repeat(300)}: { paths: [x], run: y }\n` });
  assert.match(
    lines(long),
    /^procs\.yaml:3:3 {2}name `a{37}\.\.\.` in processes is too long: names are at most 63 characters\nprocs\.yaml:5:3 {2}name `w{37}\.\.\.` in watch is too long/,
  );
});

test('a spec file or env file too large is refused, positioned, without being parsed', async () => {
  const big = `version: 1\nprocesses: { a: { command: x } }\n# ${'x'.repeat(MAX_SPEC_BYTES)}\n`;
  assert.equal(lines(build({ 'procs.yaml': big })), 'procs.yaml:1:1  the spec file is larger than 4 MiB: refusing to read it');
  const env = `A=${'v'.repeat(MAX_ENV_FILE_BYTES)}\n`;
  const spec = 'version: 1\nprocesses:\n  a: { command: x, env_file: big.env }\n';
  assert.equal(lines(build({ 'procs.yaml': spec, 'big.env': env })), 'procs.yaml:3:30  env file `big.env` is larger than 1 MiB: refusing to read it');
  assert.equal(
    lines(build({ 'procs.yaml': spec.replace(', env_file: big.env', ''), '.env': env })),
    '.env  env file `.env` is larger than 1 MiB: refusing to read it',
  );
  // On disk, a file past the largest bound is not even read into memory.
  const { dir, remove } = tempTree({ 'procs.yaml': 'version: 1\n' });
  try {
    writeFileSync(path.join(dir, 'huge.yaml'), Buffer.alloc(MAX_SPEC_BYTES + 1, 0x20));
    assert.deepEqual(readFromDisk(path.join(dir, 'huge.yaml')), { ok: false, missing: false, reason: 'it is larger than 4 MiB' });
    // An env file is held to its own bound, whatever its size (a 54 MB .env took 28 s and 1.5 GB).
    writeFileSync(path.join(dir, 'procs.yaml'), 'version: 1\nprocesses:\n  a: { command: x }\n');
    writeFileSync(path.join(dir, '.env'), `A=${'v'.repeat(MAX_ENV_FILE_BYTES)}\n`);
    const r = await loadSpec({ cwd: dir, env: {} });
    assert.deepEqual(
      r.diagnostics.map((d) => formatDiagnostic(d, dir)),
      ['.env  cannot read the env file: it is larger than 1 MiB'],
    );
  } finally {
    remove();
  }
});

test('a NUL character in an env file is refused at the character', () => {
  const r = build({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: x, env_file: nul.env }\n', 'nul.env': 'A=1\n# ok\nB=ab\0c\n' });
  assert.equal(r.spec, undefined);
  assert.equal(lines(r), "nul.env:3:5  a NUL character in an env file: no program's environment can hold one");
});

test('an interpolation bomb is refused quickly, positioned at the key, however many units repeat it', () => {
  const vars = ['      A0: x', ...Array.from({ length: 24 }, (_, i) => `      A${i + 1}: "\${A${i}}\${A${i}}"`)].join('\n');
  // No timing assertion: a load that expanded the bomb would not end within the test's timeout.
  const one = build({ 'procs.yaml': `version: 1\nprocesses:\n  a:\n    command: x\n    env:\n${vars}\n` });
  assert.equal(lines(one), 'procs.yaml:27:13  processes.a.env.A21: expands to more than 1 MiB once interpolated');
  // 20 doublings (1 MiB) in a global env, seen by 1024 pool instances: the load's budget stops it.
  const global = ['  A0: x', ...Array.from({ length: 20 }, (_, i) => `  A${i + 1}: "\${A${i}}\${A${i}}"`)].join('\n');
  const many = build({ 'procs.yaml': `version: 1\nenv:\n${global}\npools:\n  w: { command: x, replicas: 1024 }\n` });
  assert.equal(many.spec, undefined);
  assert.match(lines(many), /^procs\.yaml:\d+:\d+ {2}env\.A\d+: with this value, the spec's values add up to more than 64 MiB once interpolated$/);
});

test('-m out of range builds nothing: the error comes at once', () => {
  const r = build({ 'procs.yaml': 'version: 1\npools:\n  w: { command: x }\n' }, { formation: { w: 100_000_000 } });
  assert.equal(lines(r), '-m  w=100000000 is out of range: counts go from 0 to 1024');
  const p = build({ Procfile: 'web: x\n' }, { formation: { all: 1e9 } });
  assert.equal(lines(p), '-m  all=1000000000 is out of range: counts go from 0 to 1024');
});

test('control characters are shown escaped, never raw', () => {
  assert.equal(printable('a\x1b[2Jb\n\t\0\x7f\x9b\u2028ok'), 'a\\x1b[2Jb\\n\\t\\0\\x7f\\x9b\u2028ok');
  const r = build({ 'procs.yaml': 'version: 1\nprocesses:\n  a:\n    command: x\n    "k\\e[2J": 1\n' });
  const line = formatDiagnostic(r.diagnostics[0]!, '/project');
  assert.equal(line, 'procs.yaml:5:5  unknown key `k\\x1b[2J` in processes.a');
  assert.equal(
    formatDiagnostic({ file: '/project/a\x1b]0;x\x07.yaml', line: 1, col: 1, message: 'm', severity: 'warning' }, '/project'),
    'a\\x1b]0;x\\x07.yaml:1:1  warning: m',
  );
});

test('aliases under an unknown anchor are refused without being copied: one error per alias, a bound on copies', () => {
  // The anchor is commented out, so the library's own alias guard cannot count the expansion.
  const levels = ['version: 1', '#x-a: &a ["lol", "lol", "lol"]'];
  for (const [i, n] of [...'bcdefghi'].entries())
    levels.push(
      `x-${n}: &${n} [${Array<string>(9)
        .fill(`*${i === 0 ? 'a' : 'bcdefghi'[i - 1]!}`)
        .join(', ')}]`,
    );
  // 9^9 copies if the aliases were expanded: the test's timeout would end it long before.
  const r = build({ 'procs.yaml': `${levels.join('\n')}\nprocesses:\n  a: { command: x }\n` });
  assert.equal(r.spec, undefined);
  const text = lines(r);
  assert.equal(text.match(/unknown anchor `\*a`/g)?.length, 9, text.slice(0, 500));
  assert.match(text, /too many alias expansions/);
});

test('a list item with a `toString` or `valueOf` key is compared as data, not called', () => {
  for (const key of ['toString', 'valueOf']) {
    const r = build({ 'procs.yaml': `version: 1\nprocesses:\n  a:\n    command: x\n    depends_on: [{}, { ${key}: node server.js }]\n` });
    assert.equal(r.spec, undefined);
    assert.match(lines(r), /depends_on/);
  }
});
