// systemd units run the programs procs resolved (absolute paths), `--path` gives them procs' PATH,
// `--user` makes user units; checked on the example spec and the pool-heavy one, with a fake
// resolver so the expectations do not depend on the machine.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { exportSpec, loadForExport, UNCLASSIFIED, type ExportOptions, type ExportResult } from '../../src/export/index.js';
import { exportSystemd } from '../../src/export/systemd.js';
import { fileText, load, systemdStructure, systemdVerify } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const POOLS = fileURLToPath(new URL('../../../fixtures/export/pools/', import.meta.url));

/** Resolves every name to /opt/bin/NAME except those in `missing`. */
function fakeResolve(missing: readonly string[] = []): (name: string) => string | undefined {
  return (name) => (missing.includes(name) ? undefined : `/opt/bin/${name}`);
}

async function exported(cwd: string, files: string[], options: ExportOptions): Promise<ExportResult> {
  const loaded = await loadForExport({ cwd, files });
  assert.ok(loaded.spec, loaded.diagnostics.map((d) => d.message).join('\n'));
  return exportSpec('systemd', loaded.spec, { envFiles: loaded.envFiles, outputDir: '/out', ...options });
}

/** The one value of `key` in a unit file (the first). */
function value(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];
}

function assertValid(r: ExportResult): void {
  assert.deepEqual(r.files.flatMap(systemdStructure), []);
  assert.deepEqual(
    r.keys.filter((k) => k.how === UNCLASSIFIED),
    [],
  );
  const verify = systemdVerify(r.files);
  if (verify) assert.deepEqual(verify, []);
}

describe('export systemd: the programs procs resolved', () => {
  it('procs.example.yaml: node and the pipeline steps by absolute path, shell builtins left to the shell', async () => {
    const r = await exported(ROOT, ['procs.example.yaml'], { resolveCommand: fakeResolve() });
    // The project is named after the checkout's folder.
    const project = r.files.find((f) => f.path.endsWith('.target'))?.path.replace(/\.target$/, '') ?? '';
    const unit = (name: string): string => fileText(r.files, `${project}-${name}.service`);
    const api = unit('api');
    assert.equal(value(api, 'ExecStart'), '/opt/bin/node examples/server.js');
    // `echo` is the shell's own: nothing is looked up on PATH for it.
    assert.equal(value(api, 'ExecStartPost'), '/bin/sh -c "echo \\"api is ready on port $$PORT\\""');
    assert.equal(value(unit('setup'), 'ExecStart'), '/bin/sh -c "/opt/bin/node examples/setup.js"');
    const warnings = value(unit('warnings'), 'ExecStart') ?? '';
    for (const step of ['/opt/bin/tail -n 0 -F', '| /opt/bin/grep --line-buffered', '| /opt/bin/sed -u']) assert.ok(warnings.includes(step), warnings);
    assert.equal(value(unit('worker.1'), 'ExecStart'), '/bin/sh -c "/opt/bin/node examples/worker.js"');
    assert.deepEqual(
      r.keys.filter((k) => k.unit === 'api' && k.key === 'command'),
      [{ unit: 'api', key: 'command', fate: 'mapped', how: 'ExecStart=/opt/bin/node' }],
    );
    assert.ok(!r.notes.some((n) => n.includes('not found on PATH')), r.notes.join('\n'));
    assertValid(r);
  });

  it('keeps a name procs did not find, approximated and noted; a path relative to cwd is made absolute, not looked up', () => {
    const asked: string[] = [];
    const resolveCommand = (name: string): string | undefined => {
      asked.push(name);
      return name === 'node' ? undefined : `/opt/bin/${name}`;
    };
    const loaded = load({
      'procs.yaml':
        'processes:\n  api: { command: [node, s.js] }\n  tool: { command: [./bin/tool, x], cwd: svc }\n  sh: { command: "./run.sh && node x.js" }\n',
    });
    const r = exportSystemd(loaded.spec, { resolveCommand });
    assert.equal(value(fileText(r.files, 'project-api.service'), 'ExecStart'), 'node s.js');
    assert.equal(value(fileText(r.files, 'project-tool.service'), 'ExecStart'), '/project/svc/bin/tool x');
    assert.equal(value(fileText(r.files, 'project-sh.service'), 'ExecStart'), '/bin/sh -c "./run.sh && node x.js"');
    assert.deepEqual([...new Set(asked)], ['node']);
    assert.deepEqual(
      r.keys.find((k) => k.unit === 'api' && k.key === 'command'),
      { unit: 'api', key: 'command', fate: 'approximated', how: "ExecStart=node; node found through systemd's PATH at run time" },
    );
    assert.ok(r.notes.includes("api: node not found on PATH here: systemd looks it up on the unit's PATH at run time"), r.notes.join('\n'));
    assert.equal(r.keys.find((k) => k.unit === 'sh' && k.key === 'command')?.fate, 'approximated');
  });

  it('fixtures/export/pools: every instance runs the resolved node with its own PORT and WORKER_ID', async () => {
    const r = await exported(POOLS, [], { resolveCommand: fakeResolve() });
    for (let i = 0; i < 3; i++) {
      const web = fileText(r.files, `pool-heavy-web.${i}.service`);
      assert.equal(value(web, 'ExecStart'), `/bin/sh -c "/opt/bin/node web.js --port ${8000 + i}"`);
      assert.match(web, new RegExp(`\nEnvironment="PORT=${8000 + i}"\n`));
      assert.match(web, new RegExp(`\nEnvironment="WORKER_ID=${i}"\n`));
    }
    assert.equal(value(fileText(r.files, 'pool-heavy-shard.3.service'), 'ExecStart'), '/bin/sh -c "/opt/bin/node shard.js --shard 3"');
    assert.equal(value(fileText(r.files, 'pool-heavy-redis.service'), 'ExecStart'), '/opt/bin/redis-server --port 6379');
    assert.deepEqual(r.keys.find((k) => k.unit === 'web' && k.key === 'replicas')?.fate, 'mapped');
    assertValid(r);
  });
});

describe('export systemd: --path and --user', () => {
  it('--path writes procs PATH into every service, escaped; a unit that sets PATH keeps its own', () => {
    const loaded = load({
      'procs.yaml':
        'processes:\n  a: { command: [node, a.js], hooks: { on_failure: "notify-send x" } }\n  b: { command: [node, b.js], env: { PATH: /mine } }\n',
    });
    const r = exportSystemd(loaded.spec, { resolveCommand: fakeResolve(), searchPath: '/home/u/.nvm/bin:/usr/bin:/opt/50%' });
    for (const file of ['project-a.service', 'project-a-on-failure.service'])
      assert.equal(value(fileText(r.files, file), 'Environment'), '"PATH=/home/u/.nvm/bin:/usr/bin:/opt/50%%"', file);
    const b = fileText(r.files, 'project-b.service');
    assert.doesNotMatch(b, /\.nvm/);
    assert.match(b, /\nEnvironment="PATH=\/mine"\n/);
    assert.deepEqual(r.files.flatMap(systemdStructure), []);
  });

  it('without --path, a program outside systemd PATH is noted', () => {
    const loaded = load({ 'procs.yaml': 'processes:\n  a: { command: "npm start" }\n' });
    const r = exportSystemd(loaded.spec, { resolveCommand: (n) => `/home/u/.nvm/bin/${n}` });
    assert.equal(value(fileText(r.files, 'project-a.service'), 'ExecStart'), '/bin/sh -c "/home/u/.nvm/bin/npm start"');
    assert.ok(
      r.notes.some((n) => n.startsWith("a: /home/u/.nvm/bin is not on systemd's PATH")),
      r.notes.join('\n'),
    );
    assert.doesNotMatch(fileText(r.files, 'project-a.service'), /PATH=/);
  });

  it('--user: user units wanted by default.target with the user install steps; system units by multi-user.target, noted as root', () => {
    const loaded = load({ 'procs.yaml': 'name: app\nprocesses:\n  a: { command: [node, a.js] }\n' });
    const user = exportSystemd(loaded.spec, { user: true });
    const target = fileText(user.files, 'app.target');
    assert.equal(value(target, 'WantedBy'), 'default.target');
    assert.match(target, /~\/\.config\/systemd\/user/);
    assert.match(target, /systemctl --user daemon-reload && systemctl --user enable --now app\.target/);
    assert.doesNotMatch(user.files.map((f) => f.content).join('\n'), /^User=/m);
    assert.ok(!user.notes.some((n) => n.includes('run as root')));
    const system = exportSystemd(loaded.spec, {});
    const sysTarget = fileText(system.files, 'app.target');
    assert.equal(value(sysTarget, 'WantedBy'), 'multi-user.target');
    assert.match(sysTarget, /\/etc\/systemd\/system/);
    assert.match(sysTarget, /systemctl daemon-reload && systemctl enable --now app\.target/);
    assert.ok(system.notes.some((n) => n.startsWith('system units run as root')));
  });
});
