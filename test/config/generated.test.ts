// The files derived from the schema are up to date, and the schema itself is what `procs schema` prints.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaText } from '../../src/config/index.js';

interface Generator {
  SCHEMA_FILE: string;
  TYPES_FILE: string;
  VALIDATOR_FILE: string;
  generateTypes(): Promise<string>;
  generateValidator(): Promise<string>;
}

const generator = async (): Promise<Generator> => (await import(new URL('../../../scripts/gen-types.mjs', import.meta.url).href)) as Generator;

test('spec-types.generated.ts matches the schema (npm run gen:types)', async () => {
  const g = await generator();
  assert.equal(readFileSync(g.TYPES_FILE, 'utf8'), await g.generateTypes(), 'out of date: run npm run gen:types');
});

test('schema-validator.generated.ts matches the schema (npm run gen:types)', async () => {
  const g = await generator();
  assert.equal(readFileSync(g.VALIDATOR_FILE, 'utf8'), await g.generateValidator(), 'out of date: run npm run gen:types');
});

test('schemaText() is the schema file, a draft 2020-12 JSON Schema', async () => {
  const g = await generator();
  const text = schemaText();
  assert.equal(text, readFileSync(g.SCHEMA_FILE, 'utf8'));
  const schema = JSON.parse(text) as { $schema: string; additionalProperties: boolean };
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(schema.additionalProperties, false);
});

test('every object in the schema forbids unknown keys and every property has a description', async () => {
  const g = await generator();
  const schema = JSON.parse(readFileSync(g.SCHEMA_FILE, 'utf8')) as unknown;
  const missing: string[] = [];
  const defs = (schema as { $defs: Record<string, { description?: string }> }).$defs;
  const described = (p: Record<string, unknown>): boolean =>
    typeof p.description === 'string' || (typeof p.$ref === 'string' && typeof defs[p.$ref.split('/').pop()!]?.description === 'string');
  const walk = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    const isObject = n.type === 'object' || (Array.isArray(n.type) && n.type.includes('object'));
    if (isObject && n.properties && n.additionalProperties !== false) missing.push(`${at}: additionalProperties`);
    for (const [key, prop] of Object.entries((n.properties ?? {}) as Record<string, Record<string, unknown>>)) {
      if (!described(prop)) missing.push(`${at}/properties/${key}: description`);
    }
    for (const [k, v] of Object.entries(n)) walk(v, `${at}/${k}`);
  };
  walk(schema, '#');
  assert.deepEqual(missing, []);
});
