// systemd mapping and quoting: ExecStart= and Environment= survive quotes, `$`, `%`, spaces and
// control characters; one-shots, pools, dependencies, restart limits, the project target.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { exportSystemd } from '../../src/export/systemd.js';
import { envAssignment, execLine } from '../../src/export/systemd-syntax.js';
import { fileText, load, systemdStructure, systemdVerify } from './helpers.js';

const C_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", ';': ';' };

/** Reads a command line back as systemd does: words, quotes, C escapes, then `%%` and `$$`. */
function systemdWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (c === '\\') {
      const n = line[++i] ?? '';
      const hex = n === 'x' ? line.slice(i + 1, i + 3) : undefined;
      if (hex) i += 2;
      word = (word ?? '') + (hex ? String.fromCharCode(parseInt(hex, 16)) : (C_ESCAPES[n] ?? `\\${n}`));
    } else if (quote) {
      if (c === quote) quote = undefined;
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words.map((w) => w.replaceAll('%%', '%').replaceAll('$$', '$'));
}

const TRICKY = [
  '/bin/echo',
  'plain',
  'two words',
  `it's`,
  'say "hi"',
  '$HOME',
  '${X}',
  '100%',
  '%n',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  ';',
  '',
  'end',
];

describe('export systemd', () => {
  it('leaves tty and stdin out, with a note', () => {
    const loaded = load({ 'procs.yaml': 'processes:\n  repl: { command: node, tty: true }\n  feed: { command: cat, stdin: true }\n' });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(
      r.notes.filter((n) => /tty and stdin/.test(n)),
      [
        'repl: systemd has no terminal or stdin to attach to; tty and stdin are left out',
        'feed: systemd has no terminal or stdin to attach to; tty and stdin are left out',
      ],
    );
    assert.ok(!/TTY|StandardInput/.test(fileText(r.files, 'project-repl.service')));
  });

  it('quotes ExecStart words so that systemd reads back the same argv', () => {
    const line = execLine(TRICKY);
    assert.deepEqual(systemdWords(line), TRICKY);
    assert.doesNotMatch(line.replaceAll('%%', ''), /%/);
  });

  it('quotes Environment= assignments: `%` doubled, quotes and newlines escaped, `$` as it is', () => {
    assert.equal(envAssignment('A', 'x "y" 50% $Z\nw'), '"A=x \\"y\\" 50%% $Z\\nw"');
  });

  it('a shell-form command with quotes, $, % and spaces runs through /bin/sh -c with everything intact', () => {
    const loaded = load({ 'procs.yaml': `processes:\n  t: { command: 'printf "%s|" "$$HOME" ''a b'' 100% "$$(echo x)"' }\n` });
    const r = exportSystemd(loaded.spec);
    const exec = /^ExecStart=(.*)$/m.exec(fileText(r.files, 'project-t.service'))?.[1] ?? '';
    const argv = systemdWords(exec);
    assert.deepEqual(argv.slice(0, 2), ['/bin/sh', '-c']);
    const out = spawnSync(argv[0] ?? '', argv.slice(1), { encoding: 'utf8', env: { HOME: '/h' } });
    assert.equal(out.stdout, '/h|a b|100%|x|');
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });

  it('maps notify readiness to Type=notify and watchdog to WatchdogSec=, and systemd-analyze verify passes', () => {
    const loaded = load({
      'procs.yaml': `
processes:
  api: { command: ["/bin/sleep", "100"], health: { readiness: { notify: true } }, watchdog: 10s }
  worker: { command: ["/bin/sleep", "100"], watchdog: 1500ms }
`,
    });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const api = fileText(r.files, 'project-api.service');
    for (const line of ['Type=notify', 'NotifyAccess=all', 'WatchdogSec=10s']) assert.ok(api.includes(`\n${line}\n`), line);
    const worker = fileText(r.files, 'project-worker.service');
    for (const line of ['Type=exec', 'NotifyAccess=all', 'WatchdogSec=1500ms']) assert.ok(worker.includes(`\n${line}\n`), line);
    assert.ok(!r.notes.some((n) => n.includes('api: systemd has no health probes')), r.notes.join('\n'));
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });

  it('maps one-shots, restart, dependencies and start limits', () => {
    const loaded = load({
      'procs.yaml': `
processes:
  db: { command: ["/bin/sleep", "100"], restart: { policy: always, max_restarts: 2, backoff: { initial: 1s, factor: 2, max: 10s }, reset_after: 20s, success_codes: [0, 3] } }
  migrate: { command: /bin/true, restart: never, depends_on: { db: healthy } }
  api: { command: [./bin/api], cwd: svc, depends_on: { migrate: completed, db: started }, stop: { signal: SIGINT, timeout: 3s } }
`,
    });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
    const db = fileText(r.files, 'project-db.service');
    for (const line of [
      'Type=exec',
      'Restart=always',
      'RestartSec=1s',
      'StartLimitBurst=3',
      'StartLimitIntervalSec=23s',
      'SuccessExitStatus=3',
      'ExecStart=/bin/sleep 100',
    ])
      assert.ok(db.includes(`\n${line}\n`), line);
    const migrate = fileText(r.files, 'project-migrate.service');
    for (const line of ['Type=oneshot', 'RemainAfterExit=yes', 'Restart=no', 'Requires=project-db.service', 'After=project-db.service'])
      assert.ok(migrate.includes(`\n${line}\n`), line);
    assert.doesNotMatch(migrate, /StartLimit|RestartSec/);
    const api = fileText(r.files, 'project-api.service');
    for (const line of [
      'ExecStart=/project/svc/bin/api',
      'WorkingDirectory=/project/svc',
      'KillSignal=SIGINT',
      'TimeoutStopSec=3s',
      'KillMode=control-group',
      'After=project-migrate.service project-db.service',
    ]) {
      assert.ok(api.includes(`\n${line}\n`), line);
    }
  });

  it('gives each pool instance its own unit with its WORKER_ID and PORT; dependents need every instance; a target wants all', () => {
    const loaded = load({
      'procs.yaml': `
name: my app
pools:
  worker: { command: "node w.js --port \${PORT}", replicas: 2, port: 7000 }
processes:
  lb: { command: lb, depends_on: [worker] }
`,
    });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['my-app-worker.0.service', 'my-app-worker.1.service', 'my-app-lb.service', 'my-app.target'],
    );
    const w1 = fileText(r.files, 'my-app-worker.1.service');
    for (const line of ['Environment="WORKER_ID=1"', 'Environment="PORT=7001"', 'ExecStart=/bin/sh -c "node w.js --port 7001"'])
      assert.ok(w1.includes(`\n${line}\n`), line);
    assert.match(fileText(r.files, 'my-app-lb.service'), /\nRequires=my-app-worker\.0\.service my-app-worker\.1\.service\n/);
    assert.match(fileText(r.files, 'my-app.target'), /\nWants=my-app-worker\.0\.service my-app-worker\.1\.service my-app-lb\.service\n/);
    const verify = systemdVerify(r.files);
    if (verify) assert.deepEqual(verify, []);
  });
});
