// The keys a unit uses (what the --check table lists), the table's text, and the verdict.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keysOf, keyTable, UNCLASSIFIED } from '../../src/export/keys.js';
import { servicesOf } from '../../src/export/model.js';
import { checkReportText, checkVerdict, keyTableText, type TargetCheck } from '../../src/export/table.js';
import { Notes, type KeyRow } from '../../src/export/types.js';
import { load } from './helpers.js';

const SPEC = `
version: 1
env: { MODE: prod }
processes:
  db:
    command: ["postgres"]
    port: 5432
    health: { readiness: { tcp: "127.0.0.1:5432" } }
    stop: { signal: SIGINT }
  api:
    command: node api.js
    cwd: services/api
    depends_on: { db: healthy }
    health:
      readiness: { http: "http://127.0.0.1:3000/health" }
      liveness: { exec: "true" }
    restart: { policy: always, backoff: { initial: 1s } }
    hooks: { pre_stop: echo bye }
    tty: true
  once:
    command: echo once
    restart: never
    profiles: [setup]
pools:
  worker: { command: "node w.js", replicas: 2 }
watch:
  code: { paths: ["src/**"], restart: [api] }
`;

describe('keysOf', () => {
  const { spec } = load({ 'procs.yaml': SPEC });
  const services = servicesOf(spec, new Notes());
  const keys = (name: string): string[] =>
    keysOf(
      services.find((s) => s.name === name)!,
      spec,
    );

  it('lists what a unit sets, named as the spec writes it, defaults left out', () => {
    assert.deepEqual(keys('db'), ['command', 'port', 'env', 'health.readiness.tcp', 'restart.policy', 'restart.max_restarts', 'stop.signal']);
    assert.deepEqual(keys('api'), [
      'hooks.pre_stop',
      'command',
      'cwd',
      'env',
      'depends_on.db',
      'health.readiness.http',
      'health.liveness.exec',
      'restart.policy',
      'restart.max_restarts',
      'restart.backoff',
      'tty',
    ]);
    assert.deepEqual(keys('once'), ['profiles', 'command', 'env', 'restart.policy']);
  });

  it('a pool is one service with its replicas', () => {
    assert.deepEqual(keys('worker'), ['command', 'replicas', 'env', 'restart.policy', 'restart.max_restarts']);
  });

  it('the table: recorded rows in the spec order, what was not recorded dropped as unclassified, watch rules last', () => {
    const recorded: KeyRow[] = [
      { unit: 'api', key: 'tty', fate: 'dropped', how: 'no terminal' },
      { unit: 'db', key: 'command', fate: 'mapped', how: 'ExecStart' },
      { unit: 'db', key: 'extra', fate: 'approximated', how: 'something else' },
    ];
    const table = keyTable(spec, 'systemd', recorded);
    assert.deepEqual(table[0], { unit: 'db', key: 'command', fate: 'mapped', how: 'ExecStart' });
    assert.deepEqual(table[1], { unit: 'db', key: 'port', fate: 'dropped', how: UNCLASSIFIED });
    assert.ok(table.findIndex((r) => r.key === 'extra') < table.findIndex((r) => r.unit === 'api'));
    assert.deepEqual(
      table.find((r) => r.unit === 'api' && r.key === 'tty'),
      recorded[0],
    );
    assert.deepEqual(table.at(-1), { unit: 'watch.code', key: 'watch', fate: 'dropped', how: UNCLASSIFIED });
  });

  it('Notes.key keeps the worse fate of a key recorded twice', () => {
    const notes = new Notes();
    notes.key('a', 'k', 'mapped', 'one');
    notes.key('a', 'k', 'dropped', 'two');
    notes.key('a', 'k', 'approximated', 'three');
    assert.deepEqual(notes.keys(), [{ unit: 'a', key: 'k', fate: 'dropped', how: 'two' }]);
  });
});

describe('the --check text and verdict', () => {
  const row = (unit: string, key: string, fate: KeyRow['fate'], how: string): KeyRow => ({ unit, key, fate, how });
  const one: TargetCheck = {
    target: 'compose',
    keys: [row('api', 'command', 'mapped', 'entrypoint'), row('api', 'restart.backoff', 'dropped', 'docker has its own back-off')],
    reports: [{ file: 'compose.yaml', checker: 'compose-spec JSON schema', problems: [] }],
  };

  it('one target: aligned columns with how; the counts', () => {
    assert.equal(
      keyTableText([one]),
      [
        'UNIT  KEY              COMPOSE  HOW',
        'api   command          mapped   entrypoint',
        'api   restart.backoff  dropped  docker has its own back-off',
        '',
        'compose: 1 keys mapped, 0 approximated, 1 dropped',
        '',
      ].join('\n'),
    );
  });

  it('several targets: a fate column each, and what each lost below', () => {
    const other: TargetCheck = { target: 'systemd', keys: [row('api', 'command', 'mapped', 'ExecStart')], reports: [] };
    const text = keyTableText([other, one]);
    assert.match(text, /^UNIT +KEY +SYSTEMD +COMPOSE$/m);
    assert.match(text, /^api +restart\.backoff +- +dropped$/m);
    assert.match(text, /^compose: approximated and dropped\n {2}api +restart\.backoff +dropped +docker has its own back-off$/m);
  });

  it('a failed check fails; --strict fails on a dropped key; the report names the file and the problem', () => {
    assert.deepEqual(checkVerdict([one], false), { ok: true });
    assert.equal(checkVerdict([one], true).ok, false);
    assert.match(checkVerdict([one], true).why ?? '', /--strict: keys are dropped \(1: compose api restart\.backoff\)/);
    const broken: TargetCheck = { ...one, keys: [], reports: [{ file: 'compose.yaml', checker: 'schema', problems: ['/services/api must have entrypoint'] }] };
    assert.equal(checkVerdict([broken], false).ok, false);
    assert.equal(checkReportText([broken]), 'FAILED  compose  compose.yaml  (schema)\n    /services/api must have entrypoint\n');
  });
});
