import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate } from '../../src/config/interpolate.js';

const vars: Record<string, string> = { HOST: 'db.local', EMPTY: '', PORT: '5432' };
const lookup = (name: string): string | undefined => vars[name];
const value = (text: string): string => interpolate(text, lookup).value;
const kinds = (text: string): string[] => interpolate(text, lookup).problems.map((p) => p.kind);

test('${VAR} takes the value', () => {
  assert.equal(value('postgres://${HOST}:${PORT}/app'), 'postgres://db.local:5432/app');
});

test('${VAR:-default} covers unset and empty; ${VAR-default} only unset', () => {
  assert.equal(value('${NOPE:-x}|${EMPTY:-y}|${HOST:-z}'), 'x|y|db.local');
  assert.equal(value('${NOPE-x}|${EMPTY-y}'), 'x|');
});

test('defaults may themselves interpolate', () => {
  assert.equal(value('${NOPE:-${HOST}:${ALSO_NOPE:-1}}'), 'db.local:1');
});

test('$$ is a literal $: $$$$ gives $$ and $${x} reaches the shell as ${x}', () => {
  assert.equal(value('echo $$'), 'echo $');
  assert.equal(value('echo $$$$'), 'echo $$');
  assert.equal(value('echo $${x}'), 'echo ${x}');
  assert.deepEqual(kinds('echo $${x}'), []);
});

test('a bare $NAME and a lone $ are left for the shell', () => {
  assert.equal(value('echo $HOME $1 $ cost'), 'echo $HOME $1 $ cost');
  assert.equal(value('grep "end$"'), 'grep "end$"');
});

test('an undefined ${VAR} without default becomes empty and is reported', () => {
  const r = interpolate('a${NOPE}b', lookup);
  assert.equal(r.value, 'ab');
  assert.deepEqual(
    r.problems.map((p) => [p.kind, p.name, p.index]),
    [['undefined', 'NOPE', 1]],
  );
});

test('${VAR:?message} fails when unset or empty, ${VAR?message} only when unset', () => {
  const r = interpolate('${NOPE:?set NOPE please}', lookup);
  assert.equal(r.problems[0]?.kind, 'required');
  assert.match(r.problems[0]?.message ?? '', /set NOPE please/);
  assert.deepEqual(kinds('${EMPTY:?x}'), ['required']);
  assert.deepEqual(kinds('${EMPTY?x}'), []);
  assert.equal(value('${HOST:?x}'), 'db.local');
});

test('malformed forms are syntax problems, never exceptions', () => {
  assert.deepEqual(kinds('echo ${HOME'), ['syntax']);
  assert.deepEqual(kinds('echo ${#arr}'), ['syntax']);
  assert.deepEqual(kinds('echo ${}'), ['syntax']);
  assert.deepEqual(kinds('echo ${HOME:+x}'), ['syntax']);
});

test('problems never carry a value', () => {
  const secret = { TOKEN: 'hunter2-secret' };
  const r = interpolate('${TOKEN} ${TOKEN:?no} ${NOPE} ${TOKEN', (n) => secret[n as keyof typeof secret]);
  for (const p of r.problems) assert.ok(!p.message.includes('hunter2'), p.message);
});

test('braces in a default or message nest, as in ${JSON:-{"json":1}}', () => {
  const json = '${JSON:-{"json":1}}';
  assert.equal(interpolate(json, () => undefined).value, '{"json":1}');
  assert.equal(interpolate(json, (n) => (n === 'JSON' ? '{"set":2}' : undefined)).value, '{"set":2}');
  assert.equal(value('${NOPE-{a:{b:{}}}}!'), '{a:{b:{}}}!');
  assert.equal(value('${HOST-{a}}'), 'db.local');
  assert.equal(value('${NOPE:-${HOST}{x}}'), 'db.local{x}');
  const r = interpolate('${NOPE:?give {a} please}', lookup);
  assert.equal(r.value, '');
  assert.match(r.problems[0]?.message ?? '', /give \{a\} please/);
  // Unbalanced braces: the first `}` closes, as compose has it.
  assert.equal(value('${NOPE:-{}'), '{');
  assert.equal(value('${NOPE:-}}'), '}');
  assert.equal(value('$${NOPE:-{x}}'), '${NOPE:-{x}}');
});

test('a value may expand to at most maxChars, and all values together to their budget', () => {
  const doubling: Record<string, string> = { A0: 'x'.repeat(1024) };
  for (let i = 1; i <= 12; i++) doubling[`A${i}`] = 'y'.repeat(1024 * 2 ** i);
  const get = (n: string): string | undefined => doubling[n];
  assert.equal(interpolate('${A9}', get, { maxChars: 1024 * 1024 }).value.length, 512 * 1024);
  const big = interpolate('${A10}${A0}', get, { maxChars: 1024 * 1024 });
  assert.equal(big.value, '${A10}${A0}', 'the text stands for the value, which is never used');
  assert.deepEqual(
    big.problems.map((p) => [p.kind, p.message]),
    [['size', 'expands to more than 1 MiB once interpolated']],
  );
  assert.equal(interpolate('${NOPE:-${A10}${A10}}', get, { maxChars: 1024 * 1024 }).problems[0]?.kind, 'size');
  const budget = { left: 3 * 1024 * 1024, spent: false };
  const limits = { maxChars: 1024 * 1024, budget };
  for (let i = 0; i < 3; i++) assert.deepEqual(interpolate('${A10}', get, limits).problems, []);
  const over = interpolate('${A10}', get, limits);
  assert.equal(over.problems[0]?.kind, 'size');
  assert.match(over.problems[0]?.message ?? '', /add up to more than 64 MiB/);
  assert.equal(budget.spent, true);
  assert.deepEqual(interpolate('${A0}', get, limits), { value: '${A0}', problems: [] }, 'nothing more is expanded once the budget is spent');
  assert.equal(interpolate('no dollar', get, limits).value, 'no dollar');
});
