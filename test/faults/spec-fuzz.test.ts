// The spec loader under attack: random text and bytes, random spec-shaped documents, mutated
// good specs, deep nesting, huge files, alias bombs, prototype keys, and files that are not files.
// Whatever comes in, the answer is a spec or positioned errors, within a time bound; nothing
// throws, hangs or touches Object.prototype.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { buildSpec, type CoreResult } from '../../src/config/core.js';
import { formatDiagnostic, loadSpec } from '../../src/config/index.js';
import { FIXTURES, MAIN, project, removeProject, ROOT } from '../helpers/cli.js';
import { faults, figure } from './support.js';

const SPEC = '/project/procs.yaml';
const RUNS = Number(process.env.PROCS_FAULTS_FUZZ_RUNS ?? '1500');
/** Milliseconds one ordinary input may take (a shared, noisy machine: generous). */
const BOUND_MS = 3000;
// eslint-disable-next-line no-control-regex -- what must never reach a terminal raw
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
let inputs = 0;

/** Loads `text` as the spec through the pure core; other files (env files) come from `extra`. */
function load(text: string, extra: Record<string, string> = {}, env: Record<string, string | undefined> = {}): { r: CoreResult; ms: number } {
  const t0 = performance.now();
  const r = buildSpec({
    files: [SPEC],
    readFile: (f) =>
      f === SPEC ? { ok: true, text } : Object.hasOwn(extra, f) ? { ok: true, text: extra[f] ?? '' } : { ok: false, reason: 'no such file', missing: true },
    env,
  });
  inputs++;
  return { r, ms: performance.now() - t0 };
}

/** The loader's promise for one answer: a spec and no errors, or errors each with a place. */
function judge(text: string, { r, ms }: { r: CoreResult; ms: number }, boundMs = BOUND_MS): void {
  const show = (): string =>
    `input (${text.length} chars): ${JSON.stringify(text.slice(0, 300))}\n${r.diagnostics
      .map((d) => `${d.line}:${d.col} ${d.message}`)
      .slice(0, 5)
      .join('\n')}`;
  assert.ok(ms < boundMs, `took ${Math.round(ms)} ms; ${show()}`);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.spec) assert.equal(errors.length, 0, show());
  else assert.ok(errors.length > 0, `no spec and no error; ${show()}`);
  for (const d of r.diagnostics) {
    assert.ok(d.file === SPEC && d.line >= 1 && d.col >= 1, `a diagnostic without a place: ${JSON.stringify(d)}; ${show()}`);
    assert.ok(
      typeof d.message === 'string' && d.message.length > 0 && !/\[object Object\]|\bundefined\b|Maximum call stack/.test(d.message),
      `a poor message: ${d.message}; ${show()}`,
    );
  }
  assert.equal(Object.getOwnPropertyNames(Object.prototype).sort().join(','), protoBefore, 'Object.prototype changed');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype polluted');
}

const check = (text: string, boundMs = BOUND_MS): CoreResult => {
  const res = load(text);
  judge(text, res, boundMs);
  return res.r;
};

// Spec-shaped documents: known keys (and nasty ones) with values of every type.
const KEYS = [
  'version',
  'processes',
  'pools',
  'pipelines',
  'watch',
  'env',
  'env_file',
  'inherit_env',
  'shell',
  'name',
  'command',
  'cwd',
  'depends_on',
  'restart',
  'policy',
  'max_restarts',
  'backoff',
  'initial',
  'factor',
  'max',
  'reset_after',
  'stop',
  'signal',
  'timeout',
  'health',
  'readiness',
  'liveness',
  'exec',
  'http',
  'tcp',
  'log',
  'interval',
  'replicas',
  'port',
  'steps',
  'paths',
  'ignore',
  'debounce',
  'run',
  'sync',
  'rolling',
  'poll',
  'max_size',
  'keep',
  'success_codes',
  'api',
  'web',
  'worker',
  'db',
  'a-b',
  'x_1',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'PATH',
  'PORT',
  '',
];
const SCALARS = fc.oneof(
  fc.constantFrom(
    'node server.js',
    '${PORT}',
    '${PORT:-3000}',
    '${X:?need X}',
    '$$',
    '${',
    '1s',
    '250ms',
    '-1s',
    '1000h',
    '576h1ms',
    '10MB',
    'SIGTERM',
    'SIGNOPE',
    '${J:-{"j":{}}}',
    '${J:-{}',
    'x\0y',
    '\u001b[2J',
    'a'.repeat(64),
    'always',
    'never',
    'on-failure',
    'healthy',
    'completed',
    'started',
    'http://127.0.0.1:1/x',
    '127.0.0.1:99999',
    'api',
    'web',
    'constructor',
    '__proto__',
  ),
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -2, max: 70000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const { value: SPEC_VALUE } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    SCALARS,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 5 }),
  ),
}));
const SPEC_DOC = fc.record(
  {
    version: fc.oneof(fc.constant(1), SCALARS),
    processes: fc.dictionary(fc.constantFrom(...KEYS), fc.oneof(SPEC_VALUE, fc.record({ command: SCALARS }, { requiredKeys: [] })), { maxKeys: 4 }),
    pools: SPEC_VALUE,
    env: SPEC_VALUE,
  },
  { requiredKeys: ['version'] },
);

// Good specs to mutate, and the characters YAML cares about.
const SEEDS = [
  readFileSync(join(FIXTURES, 'specs/good/contract/procs.yaml'), 'utf8'),
  readFileSync(join(ROOT, 'procs.example.yaml'), 'utf8'),
  ...readdirSync(join(FIXTURES, 'specs/bad'))
    .filter((f) => f.endsWith('.yaml'))
    .slice(0, 20)
    .map((f) => readFileSync(join(FIXTURES, 'specs/bad', f), 'utf8')),
];
const YAML_BITS = [
  ':',
  '- ',
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '!tag ',
  '|',
  '>',
  "'",
  '"',
  '#',
  '%YAML 1.1\n---\n',
  '---\n',
  '...\n',
  '\t',
  '  ',
  '\n',
  '\0',
  '\uFEFF',
  '${',
  '?',
];
const MUTATION = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  op: fc.constantFrom('insert', 'delete', 'duplicate-line', 'swap-lines', 'replace'),
  bit: fc.oneof(fc.constantFrom(...YAML_BITS), fc.string({ maxLength: 8 })),
  len: fc.integer({ min: 1, max: 40 }),
});

/** Applies mutations to a text (positions as fractions of its length). */
function mutate(text: string, ms: readonly { at: number; op: string; bit: string; len: number }[]): string {
  let t = text;
  for (const m of ms) {
    const i = Math.floor(m.at * t.length);
    const lines = t.split('\n');
    const li = Math.floor(m.at * lines.length) % Math.max(1, lines.length);
    if (m.op === 'insert') t = t.slice(0, i) + m.bit + t.slice(i);
    else if (m.op === 'delete') t = t.slice(0, i) + t.slice(i + m.len);
    else if (m.op === 'replace') t = t.slice(0, i) + m.bit + t.slice(i + m.bit.length);
    else if (m.op === 'duplicate-line') t = [...lines.slice(0, li + 1), lines[li] ?? '', ...lines.slice(li + 1)].join('\n');
    else {
      const j = (li + m.len) % lines.length;
      [lines[li], lines[j]] = [lines[j] ?? '', lines[li] ?? ''];
      t = lines.join('\n');
    }
  }
  return t;
}

/** The classic billion laughs, `levels` deep and `width` wide, in sequences or maps. */
function laughs(levels: number, width: number, form: 'seq' | 'map' | 'merge'): string {
  const lines = [`x0: &a0 ${form === 'seq' ? '["lol"]' : '{lol: lol}'}`];
  for (let l = 1; l <= levels; l++) {
    const refs = Array.from({ length: width }, () => `*a${l - 1}`);
    if (form === 'seq') lines.push(`x${l}: &a${l} [${refs.join(', ')}]`);
    else if (form === 'map') lines.push(`x${l}: &a${l} {${refs.map((r, i) => `k${i}: ${r}`).join(', ')}}`);
    else lines.push(`x${l}: &a${l} {<<: [${refs.join(', ')}], k: v}`);
  }
  return `${lines.join('\n')}\nversion: 1\nprocesses:\n  api:\n    command: node\n    env: *a${levels}\n`;
}

faults('spec fuzzing', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeProject));

  it('answers random text and random bytes with positioned errors', (t) => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => void check(s)),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => {
        check(Buffer.from(b).toString('utf8'));
        check(Buffer.from(b).toString('latin1'));
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...YAML_BITS, 'a', 'b: ', '1', 'version: 1\n', 'processes:\n'), { maxLength: 60 }),
        (parts) => void check(parts.join('')),
      ),
      { numRuns: RUNS },
    );
    figure(t, 'loader inputs so far', inputs);
  });

  it('answers random spec-shaped documents, as YAML and as JSON', (t) => {
    fc.assert(
      fc.property(SPEC_DOC, (doc) => {
        check(stringify(doc));
        check(JSON.stringify(doc));
      }),
      { numRuns: RUNS },
    );
    figure(t, 'loader inputs so far', inputs);
  });

  it('answers mutated good and bad specs', (t) => {
    fc.assert(
      fc.property(fc.nat(SEEDS.length - 1), fc.array(MUTATION, { minLength: 1, maxLength: 6 }), (seed, ms) => {
        check(mutate(SEEDS[seed] ?? '', ms));
      }),
      { numRuns: RUNS * 2 },
    );
    figure(t, 'loader inputs so far', inputs);
  });

  it('refuses alias bombs quickly, in sequences, maps and merge keys', () => {
    for (const form of ['seq', 'map', 'merge'] as const) {
      for (const [levels, width] of [
        [9, 9],
        [12, 10],
        [30, 2],
        [3, 99],
      ] as const) {
        const r = check(laughs(levels, width, form), 5000);
        if (width ** levels > 1000) assert.equal(r.spec, undefined, `${form} ${levels}×${width} was expanded`);
      }
    }
    // Wide but shallow: 99 aliases of one anchor holding 20,000 items expands to 2 million nodes at most.
    const items = Array.from({ length: 20_000 }, (_, i) => `"x${i}"`).join(', ');
    check(`x: &a [${items}]\nversion: 1\nprocesses:\n  api:\n    command: [${Array<string>(99).fill('*a').join(', ')}]\n`, 15_000);
  });

  it('refuses what would exhaust time, memory, timers or file names, positioned and quickly', (t) => {
    // Self-doubling variables, in one unit and in a global env seen by 1024 instances.
    const doubling = (n: number, indent: string): string =>
      [`${indent}A0: x`, ...Array.from({ length: n }, (_, i) => `${indent}A${i + 1}: "\${A${i}}\${A${i}}"`)].join('\n');
    for (const n of [21, 25, 40]) {
      assert.equal(check(`version: 1\nprocesses:\n  a:\n    command: x\n    env:\n${doubling(n, '      ')}\n`, 5000).spec, undefined, `${n} doublings`);
      assert.equal(check(`version: 1\nenv:\n${doubling(n, '  ')}\npools:\n  w: { command: "echo \${A${n}}", replicas: 1024 }\n`, 15_000).spec, undefined);
    }
    // Durations a timer cannot hold, names no file name can hold, a binary command, NUL characters, escapes.
    for (const bad of [
      'version: 1\nprocesses:\n  a: { command: x, health: { readiness: { tcp: 1, interval: 1000h } } }\n',
      'version: 1\nprocesses:\n  a: { command: x, restart: { backoff: { max: 2073601 } } }\n',
      'version: 1\nprocesses:\n  a: { command: x }\nwatch:\n  w: { paths: [x], debounce: 577h, restart: [a] }\n',
      `version: 1\nprocesses:\n  ${'a'.repeat(64)}: { command: x }\n`,
      `version: 1\npools:\n  ${'p'.repeat(5000)}: { command: x }\n`,
      'version: 1\nprocesses:\n  a: { command: !!binary bm9kZQ== }\n',
      'version: 1\nprocesses:\n  a: { command: "node\\0x" }\n',
      'version: 1\nprocesses:\n  a: { command: [node, "\0"] }\n',
      'version: 1\nprocesses:\n  a: { command: x, env: { A: "b\\0" } }\n',
      'version: 1\nname: "x\\e[2J"\nprocesses:\n  a: { command: x }\n',
      'version: 1\n',
      '',
    ]) {
      assert.equal(check(bad).spec, undefined, bad);
    }
    // A spec too large to read, and `-m` far out of range, answer at once.
    const big = check(`version: 1\nprocesses: { a: { command: x } }\n# ${'x'.repeat(5 * 1024 * 1024)}\n`, 2000);
    assert.match(big.diagnostics[0]?.message ?? '', /larger than 4 MiB/);
    const t0 = performance.now();
    const huge = buildSpec({
      files: [SPEC],
      readFile: () => ({ ok: true, text: 'version: 1\npools:\n  w: { command: x }\n' }),
      env: {},
      formation: { w: 100_000_000 },
    });
    assert.equal(huge.spec, undefined);
    assert.ok(performance.now() - t0 < 1000);
    // Every message echoing what the input wrote is printable once formatted.
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (key) => {
        const r = load(`version: 1\nprocesses:\n  a:\n    command: x\n    ${JSON.stringify(key)}: 1\n`).r;
        for (const d of r.diagnostics) assert.doesNotMatch(formatDiagnostic(d, '/project'), CONTROL, JSON.stringify(d.message));
      }),
      { numRuns: RUNS },
    );
    figure(t, 'loader inputs so far', inputs);
  });

  it('answers deep nesting of every kind without a stack overflow', () => {
    for (const depth of [10, 100, 500, 1000, 2000, 5000, 20_000]) {
      check(`version: 1\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 5000);
      check(`version: 1\nx: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`, 5000);
      if (depth <= 2000) {
        check(`version: 1\nx:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 1)}-`).join('\n')}\n`, 5000);
        check(
          `version: 1\nprocesses:\n  api:\n    command: x\n    env:\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(6 + i)}k:`).join('\n')} v\n`,
          5000,
        );
      }
    }
  });

  it('answers huge files within a bound: 10,000 units, a chain of dependencies declared backwards, 10 MB of text', (t) => {
    const n = 10_000;
    const t0 = performance.now();
    const many = check(
      `version: 1\nprocesses:\n${Array.from({ length: n }, (_, i) => `  p${i}:\n    command: ["node", "s.js", "${i}"]\n    env: { PORT: "${3000 + (i % 60000)}", URL: "http://x:\${PORT}" }\n`).join('')}`,
      20_000,
    );
    assert.equal(many.spec?.units.length, n);
    figure(t, '10,000 units loaded in ms', Math.round(performance.now() - t0));
    // Each unit depends on the one declared after it: the start order is the reverse of the file.
    const t1 = performance.now();
    const chain = check(
      `version: 1\nprocesses:\n${Array.from({ length: n }, (_, i) => `  p${i}: { command: x${i < n - 1 ? `, depends_on: [p${i + 1}]` : ''} }\n`).join('')}`,
      20_000,
    );
    assert.equal(chain.spec?.units[0]?.name, `p${n - 1}`);
    figure(t, 'a backwards chain of 10,000 loaded in ms', Math.round(performance.now() - t1));
    check(`# ${'x'.repeat(10_000_000)}\nversion: 1\nprocesses: { a: { command: x } }\n`, 10_000);
    check(`version: 1\nprocesses: { a: { command: "${'y'.repeat(10_000_000)}" } }\n`, 10_000);
    const errors = check(`version: 1\nprocesses:\n${Array.from({ length: n }, (_, i) => `  p${i}: { commnd: x }\n`).join('')}`, 20_000);
    assert.ok(errors.diagnostics.length >= n);
  });

  it('keeps prototype keys as plain data and never reads Object.prototype as a value', () => {
    check('version: 1\n__proto__: { polluted: 1 }\nprocesses:\n  b: { command: z, env: { __proto__: { polluted: 1 } } }\n');
    // Setting aside a bad unit named `__proto__`, then its bad keys, once deleted Object.prototype.hasOwnProperty.
    check('version: 1\nprocesses:\n  __proto__: { hasOwnProperty: 1, constructor: 2, toString: 3 }\npools:\n  __proto__: { valueOf: 1 }\n');
    check('{"__proto__": {"polluted": 1}, "version": 1, "processes": {"b": {"command": "z", "constructor": {"prototype": {"polluted": 1}}}}}');
    // A dependency, watch target or formation named like an Object member is unknown, not found on the prototype.
    assert.match(
      check('version: 1\nprocesses:\n  b: { command: z, depends_on: [constructor] }\n').diagnostics[0]?.message ?? '',
      /unknown dependency `constructor`/,
    );
    assert.match(
      check('version: 1\nprocesses:\n  b: { command: z, depends_on: { constructor: started } }\n').diagnostics[0]?.message ?? '',
      /unknown dependency `constructor`/,
    );
    assert.match(
      check('version: 1\nprocesses:\n  b: { command: z }\nwatch:\n  w: { paths: [x], restart: [constructor] }\n').diagnostics[0]?.message ?? '',
      /unknown unit `constructor`/,
    );
    assert.match(check('version: 1\nprocesses:\n  b: { command: z, restart: { policy: constructor } }\n').diagnostics[0]?.message ?? '', /must be one of/);
    // A unit may be called `constructor`; `${constructor}` is unset unless the environment sets it.
    const named = check('version: 1\nprocesses:\n  constructor: { command: "echo ${constructor:-none}" }\n  b: { command: z, depends_on: [constructor] }\n');
    assert.deepEqual(
      named.spec?.units.map((u) => u.name),
      ['constructor', 'b'],
    );
    const cmd = named.spec?.units[0]?.kind === 'process' ? named.spec.units[0].command : undefined;
    assert.ok(cmd?.kind === 'shell' && cmd.script === 'echo none', JSON.stringify(cmd));
  });

  it('passes only the variables the environment really has through inherit_env (not Object members)', () => {
    const text = 'version: 1\ninherit_env: [constructor, toString, __proto__, hasOwnProperty, HOME]\nprocesses:\n  b: { command: z }\n';
    const { r } = load(text, {}, { HOME: '/home/x' });
    const env = r.spec?.units[0]?.env ?? {};
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
      assert.ok(!Object.hasOwn(env, name), `${name} reached the unit's env as ${String(env[name])}`);
    assert.equal(env.HOME, '/home/x');
    for (const v of Object.values(env)) assert.equal(typeof v, 'string');
  });

  it('loads generated specs from disk through loadSpec without a throw', async (t) => {
    const dir = project({});
    dirs.push(dir);
    const texts = fc.sample(
      fc.oneof(
        SPEC_DOC.map((d) => stringify(d)),
        fc.tuple(fc.nat(SEEDS.length - 1), fc.array(MUTATION, { maxLength: 4 })).map(([s, m]) => mutate(SEEDS[s] ?? '', m)),
      ),
      150,
    );
    let n = 0;
    for (const text of texts) {
      const sub = join(dir, `p${n++}`);
      mkdirSync(sub);
      writeFileSync(join(sub, 'procs.yaml'), text);
      writeFileSync(join(sub, '.env'), 'A=1\n__proto__=x\n');
      const r = await loadSpec({ cwd: sub });
      inputs++;
      assert.ok(r.spec !== undefined || r.diagnostics.some((d) => d.severity === 'error'), text);
      for (const d of r.diagnostics) assert.ok(d.line >= 1 || d.line === 0, JSON.stringify(d));
    }
    figure(t, 'loadSpec inputs', n);
  });

  it('procs validate answers files that are not regular files, and bytes, within a bound', async (t) => {
    const dir = project({ 'procs.yaml': 'version: 1\nprocesses:\n  a: { command: x, env_file: fifo.env }\n' });
    dirs.push(dir);
    assert.equal(spawnSync('mkfifo', [join(dir, 'fifo.yaml'), join(dir, 'fifo.env')]).status, 0);
    mkdirSync(join(dir, 'folder.yaml'));
    writeFileSync(join(dir, 'bytes.yaml'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const validate = (args: string[]): Promise<{ code: number | null; out: string; ms: number }> =>
      new Promise((resolve) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, [MAIN, 'validate', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString()));
        child.stderr.on('data', (b: Buffer) => (out += b.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, out, ms: Date.now() - t0 });
        });
      });
    const cases: [string[], RegExp][] = [
      [['-f', 'fifo.yaml'], /fifo\.yaml {2}cannot read the spec: not a regular file/],
      [['-f', '/dev/zero'], /\/dev\/zero {2}cannot read the spec: not a regular file/],
      [['-f', '/dev/urandom'], /cannot read the spec: not a regular file/],
      [['-f', 'folder.yaml'], /cannot read the spec: it is a directory/],
      [['-f', 'bytes.yaml'], /bytes\.yaml:\d+:\d+ {2}/],
      [[], /fifo\.env.*not a regular file/],
    ];
    for (const [args, expected] of cases) {
      const r = await validate(args);
      inputs++;
      assert.equal(r.code, 2, `validate ${args.join(' ')}: ${r.out}`);
      assert.match(r.out, expected);
      assert.doesNotMatch(r.out, /internal error/);
    }
    // Mutated specs through the CLI: exit 0 or 2, every line of stderr positioned or naming its file.
    const sampled = fc.sample(fc.tuple(fc.nat(SEEDS.length - 1), fc.array(MUTATION, { minLength: 1, maxLength: 4 })), { numRuns: 25, seed: 7 });
    for (const [s, ms] of sampled) {
      writeFileSync(join(dir, 'm.yaml'), mutate(SEEDS[s] ?? '', ms));
      const r = await validate(['-f', 'm.yaml']);
      inputs++;
      assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.out}`);
      assert.doesNotMatch(r.out, /internal error|at .*\.js:\d+/);
    }
    figure(t, 'loader inputs in all (buildSpec, loadSpec, procs validate)', inputs);
  });
});
