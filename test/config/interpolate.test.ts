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
  assert.deepEqual(r.problems.map((p) => [p.kind, p.name, p.index]), [['undefined', 'NOPE', 1]]);
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
