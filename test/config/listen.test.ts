// `listen:` on a process or pool: its forms, the PORT and `${ports.NAME}` it gives, a pool's
// shared sockets, and errors at their file, line and key.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toPlainSpec } from '../../src/config/to-plain-spec.js';
import { build, ENV, lines, proc, specOf } from './helpers.js';

test('listen: a port, HOST:PORT, a list or the full form; the first port is PORT and ${ports.NAME}', () => {
  const spec = specOf(
    build({
      'procs.yaml': `
processes:
  a: { command: node a.js, listen: 3000 }
  b: { command: node b.js, listen: "127.0.0.1:3001" }
  c: { command: node c.js, listen: ["[::1]:3002", "localhost:9229", "*:3003"] }
  d:
    command: node d.js
    listen: { address: 3004, adopt: node, backlog: 64 }
  e:
    command: node e.js --to \${ports.d} \${ports.web}
    depends_on: [d, web]
pools:
  web:
    command: node web.js
    replicas: 2
    listen: 8080
`,
    }),
  );
  assert.deepEqual(proc(spec, 'a').listen, { owner: 'a', addresses: [{ host: '', port: 3000 }], adopt: 'none', backlog: 511 });
  assert.deepEqual(proc(spec, 'b').listen?.addresses, [{ host: '127.0.0.1', port: 3001 }]);
  assert.deepEqual(proc(spec, 'c').listen?.addresses, [
    { host: '::1', port: 3002 },
    { host: '127.0.0.1', port: 9229 },
    { host: '', port: 3003 },
  ]);
  assert.deepEqual(proc(spec, 'd').listen, { owner: 'd', addresses: [{ host: '', port: 3004 }], adopt: 'node', backlog: 64 });
  assert.equal(proc(spec, 'a').env.PORT, '3000');
  assert.equal(proc(spec, 'c').env.PORT, '3002', 'the first address gives PORT');
  const e = proc(spec, 'e');
  assert.equal(e.command.kind === 'shell' ? e.command.script : '', 'node e.js --to 3004 8080', 'a pool that listens has one port, its own');
  for (const i of [0, 1]) {
    const w = proc(spec, `web.${i}`);
    assert.deepEqual(w.listen?.owner, 'web', 'the instances share the pool sockets');
    assert.equal(w.env.PORT, '8080');
    assert.equal(w.env.WORKER_ID, String(i));
  }
  assert.equal(proc(spec, 'e').listen, undefined);
});

test('bad listen addresses and listen beside port are errors at their keys', () => {
  const r = build({
    'procs.yaml': `
processes:
  a: { command: x, listen: "example.com:80" }
  b: { command: x, listen: "::1:80" }
  c: { command: x, listen: [3000, "127.0.0.1:3000"] }
  d: { command: x, listen: 3000, port: 3000 }
  e: { command: x, listen: "127.0.0.1:99999" }
  f: { command: x, listen: { address: 3000, adopt: deno } }
pools:
  p: { command: x, replicas: 3, listen: "nope", port: 4000 }
`,
  });
  assert.equal(r.spec, undefined);
  const text = lines(r);
  assert.match(text, /procs\.yaml:3:\d+ +processes\.a\.listen has host "example\.com": write an IP address/);
  assert.match(text, /procs\.yaml:4:\d+ +processes\.b\.listen (is not a port or HOST:PORT|writes an IPv6 address without brackets)/);
  assert.match(text, /procs\.yaml:5:\d+ +processes\.c\.listen\[1\]: port 3000 is already in this list/);
  assert.match(text, /procs\.yaml:6:\d+ +processes\.d\.port: a unit with `listen` gets its PORT from there; remove `port`/);
  assert.match(text, /procs\.yaml:7:\d+ +processes\.e\.listen has port 99999, outside 1-65535/);
  assert.match(text, /procs\.yaml:8:\d+ +processes\.f\.listen\.adopt must be one of node, none, got `deno`/);
  // A pool's listen is read once: one message each, not one per instance.
  assert.equal(text.match(/pools\.p\.listen is not a port/g)?.length, 1, text);
  assert.equal(text.match(/pools\.p\.port: a unit with `listen`/g)?.length, 1, text);
});

test('procs config prints listen in its full form, without the PORT it gives, and reads back the same', () => {
  const text = `
processes:
  api: { command: node a.js, listen: ["127.0.0.1:3000", "[::1]:3001", 3002] }
pools:
  web: { command: node w.js, replicas: 2, listen: { address: 8080, adopt: node } }
`;
  const spec = specOf(build({ 'procs.yaml': text }));
  const plain = toPlainSpec(spec, { inherited: ENV, showValues: true }) as Record<string, Record<string, Record<string, unknown>>>;
  assert.deepEqual(plain.processes?.api?.listen, { address: ['127.0.0.1:3000', '[::1]:3001', 3002], adopt: 'none', backlog: 511 });
  assert.deepEqual(plain.pools?.web?.listen, { address: [8080], adopt: 'node', backlog: 511 });
  assert.equal(plain.processes?.api?.env, undefined, 'PORT comes from listen');
  const again = specOf(build({ 'procs.yaml': JSON.stringify(plain) }));
  assert.deepEqual(
    again.units.map((u) => u.hash),
    spec.units.map((u) => u.hash),
  );
});
