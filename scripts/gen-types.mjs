// Derives two files from schema/procs.schema.json, the single source of truth of the spec's shape:
//   src/config/spec-types.generated.ts       TypeScript types of the raw document (json-schema-to-typescript)
//   src/config/schema-validator.generated.ts the precompiled validator (ajv standalone: no compile at start-up)
// `node scripts/gen-types.mjs` writes them; `--check` exits 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const SCHEMA_FILE = `${root}schema/procs.schema.json`;
export const TYPES_FILE = `${root}src/config/spec-types.generated.ts`;
export const VALIDATOR_FILE = `${root}src/config/schema-validator.generated.ts`;

/** The ajv options the validator is compiled with; errors carry their schema for good messages. */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  messages: false,
  strict: true,
  allowUnionTypes: true,
  strictRequired: false,
  inlineRefs: false,
  code: { source: true, esm: true, optimize: true },
};

function readSchema() {
  return JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
}

/** The TypeScript types of the raw (user-facing) document. */
export async function generateTypes(schema = readSchema()) {
  const { compile } = await import('json-schema-to-typescript');
  return compile(schema, 'ProcsSpec', {
    additionalProperties: false,
    unknownAny: true,
    strictIndexSignatures: true,
    bannerComment:
      '// Generated from schema/procs.schema.json by `npm run gen:types`. Do not edit: change the schema.\n' +
      '// The raw spec document as written (before normalization into the Spec of spec.ts).\n' +
      '/* eslint-disable */',
    style: { singleQuote: true, printWidth: 110 },
  });
}

/** The standalone validator as a TypeScript module (type checking off: it is generated code). */
export async function generateValidator(schema = readSchema()) {
  const { default: Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: standalone } = await import('ajv/dist/standalone/index.js');
  const ajv = new Ajv2020(AJV_OPTIONS);
  const code = standalone(ajv, ajv.compile(schema));
  const runtime = new Map();
  const body = code
    .replace(/^"use strict";/, '')
    .replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)/g, (_m, mod) => {
      const id = `runtime_${mod.split('/').pop()}`;
      runtime.set(id, `${mod}.js`);
      return id;
    })
    // ajv appends a called validator's errors with `vErrors.concat(...)`, a copy of every error so
    // far at each call: quadratic in the errors (a spec with 10,000 bad units took seconds). Pushing
    // them is the same list, in linear time.
    .replace(
      /vErrors = vErrors === null \? (validate\d+)\.errors : vErrors\.concat\(\1\.errors\);/g,
      (_m, fn) => `if (vErrors === null) vErrors = ${fn}.errors; else for (const e of ${fn}.errors) vErrors.push(e);`,
    );
  if (body.includes('.concat(')) throw new Error('ajv appends errors in a way gen-types.mjs does not rewrite: see its concat rewrite');
  // uniqueItems compares with our own equality (schema-equal.ts): ajv's calls a value's own
  // toString/valueOf, which a spec can set to a string. The code reads `runtime_equal.default`.
  const imports = [...runtime]
    .map(([id, mod]) => (id === 'runtime_equal' ? `import * as ${id} from './schema-equal.js';` : `import ${id} from '${mod}';`))
    .join('\n');
  return [
    '// Generated from schema/procs.schema.json by `npm run gen:types` (ajv standalone). Do not edit.',
    '/* eslint-disable */',
    '// @ts-nocheck',
    imports,
    body,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const outputs = [
    [TYPES_FILE, await generateTypes()],
    [VALIDATOR_FILE, await generateValidator()],
  ];
  let stale = 0;
  for (const [file, text] of outputs) {
    let current;
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      current = '';
    }
    if (current === text) continue;
    stale++;
    if (check) console.error(`${file} is out of date: run npm run gen:types`);
    else writeFileSync(file, text);
  }
  if (check && stale > 0) process.exit(1);
}
