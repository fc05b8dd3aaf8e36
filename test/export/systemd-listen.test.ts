// `listen:` under systemd: a .socket unit per owner (ListenStream= per address, the backlog, the
// owner as FileDescriptorName=), the service requiring it with PROCS_LISTEN and, for adopt: node,
// the preload in NODE_OPTIONS; a pool's instances sharing one socket; systemd-analyze verify.
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { exportSystemd } from '../../src/export/systemd.js';
import type { ExportFile } from '../../src/export/types.js';
import { fileText, load, systemdStructure, systemdVerify } from './helpers.js';

/** The `Key=value` lines of one section of a unit file, in order. */
function section(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`[${name}]`);
  assert.notEqual(start, -1, `no [${name}] in\n${text}`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l === '' || l.startsWith('['));
  return end === -1 ? rest : rest.slice(0, end);
}

/** The values of `key` in one section. */
function values(text: string, name: string, key: string): string[] {
  return section(text, name)
    .filter((l) => l.startsWith(`${key}=`))
    .map((l) => l.slice(key.length + 1));
}

/** Checks the files' structure, and that systemd-analyze verify accepts them where it exists. */
function verified(t: TestContext, files: readonly ExportFile[]): void {
  assert.deepEqual(files.flatMap(systemdStructure), []);
  const verify = systemdVerify(files);
  if (verify === undefined) t.skip('systemd-analyze is not on this machine');
  else assert.deepEqual(verify, []);
}

describe('export systemd: listen', () => {
  it('writes a .socket per process: every address, host:port, IPv6, a list in order, the backlog; verify passes', (t) => {
    const loaded = load({
      'procs.yaml': `
processes:
  all: { command: ["/bin/sleep", "100"], listen: 3000 }
  local: { command: ["/bin/sleep", "100"], listen: "localhost:3001" }
  six: { command: ["/bin/sleep", "100"], listen: "[::1]:3002" }
  many: { command: ["/bin/sleep", "100"], listen: { address: [3003, "127.0.0.1:3004", "[::1]:3005"], backlog: 2048 } }
  plain: { command: ["/bin/sleep", "100"], port: 3100 }
`,
    });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(
      r.files.map((f) => f.path),
      [
        'project-all.service',
        'project-all.socket',
        'project-local.service',
        'project-local.socket',
        'project-six.service',
        'project-six.socket',
        'project-many.service',
        'project-many.socket',
        'project-plain.service',
        'project.target',
      ],
    );
    const all = fileText(r.files, 'project-all.socket');
    assert.deepEqual(section(all, 'Socket'), [
      'ListenStream=3000',
      'BindIPv6Only=both',
      'Backlog=511',
      'FileDescriptorName=all',
      'Service=project-all.service',
    ]);
    assert.deepEqual(section(all, 'Install'), ['WantedBy=sockets.target']);
    assert.deepEqual(section(all, 'Unit'), ['Description=procs sockets of all of project', 'PartOf=project.target']);
    assert.deepEqual(section(fileText(r.files, 'project-local.socket'), 'Socket'), [
      'ListenStream=127.0.0.1:3001',
      'Backlog=511',
      'FileDescriptorName=local',
      'Service=project-local.service',
    ]);
    assert.deepEqual(values(fileText(r.files, 'project-six.socket'), 'Socket', 'ListenStream'), ['[::1]:3002']);
    const many = fileText(r.files, 'project-many.socket');
    assert.deepEqual(values(many, 'Socket', 'ListenStream'), ['3003', '127.0.0.1:3004', '[::1]:3005']);
    assert.deepEqual(values(many, 'Socket', 'Backlog'), ['2048']);

    const service = fileText(r.files, 'project-many.service');
    assert.deepEqual(values(service, 'Unit', 'Requires'), ['project-many.socket']);
    assert.deepEqual(values(service, 'Unit', 'After'), ['project-many.socket']);
    assert.deepEqual(values(service, 'Service', 'Sockets'), ['project-many.socket']);
    const env = values(service, 'Service', 'Environment');
    assert.ok(env.includes('"PORT=3003"'), env.join('\n'));
    assert.ok(env.includes('"PROCS_LISTEN=3=[::]:3003,4=127.0.0.1:3004,5=[::1]:3005"'), env.join('\n'));
    assert.ok(!env.some((e) => e.startsWith('"NODE_OPTIONS=')), env.join('\n'));
    assert.ok(values(fileText(r.files, 'project-all.service'), 'Service', 'Environment').includes('"PROCS_LISTEN=3=[::]:3000"'));
    const plain = fileText(r.files, 'project-plain.service');
    assert.doesNotMatch(plain, /socket|PROCS_LISTEN/i);
    assert.deepEqual(values(fileText(r.files, 'project.target'), 'Unit', 'Wants'), [
      'project-all.service project-local.service project-six.service project-many.service project-plain.service',
    ]);
    verified(t, r.files);
  });

  it('adopt: node puts --require procs/listen in NODE_OPTIONS after the unit’s own, and notes it without values', (t) => {
    const loaded = load({
      'procs.yaml': `
env: { NODE_OPTIONS: "--max-old-space-size=512", TOKEN: "s3cret-value" }
processes:
  api: { command: ["/bin/sleep", "100"], listen: { address: 3000, adopt: node } }
  filed: { command: ["/bin/sleep", "100"], env_file: filed.env, listen: { address: 3003, adopt: node } }
  bare: { command: ["/bin/sleep", "100"], env: { NODE_OPTIONS: "" }, listen: { address: "127.0.0.1:3001", adopt: node } }
  again: { command: ["/bin/sleep", "100"], env: { NODE_OPTIONS: "--require procs/listen" }, listen: { address: 3002, adopt: node } }
`,
      'filed.env': 'NODE_OPTIONS=--inspect\nFILED_SECRET=from-the-file\n',
    });
    const r = exportSystemd(loaded.spec, { envFiles: loaded.envFiles });
    const nodeOptions = (unit: string): string[] =>
      values(fileText(r.files, `project-${unit}.service`), 'Service', 'Environment').filter((e) => e.startsWith('"NODE_OPTIONS='));
    assert.deepEqual(nodeOptions('api'), ['"NODE_OPTIONS=--max-old-space-size=512 --require procs/listen"']);
    assert.deepEqual(nodeOptions('bare'), ['"NODE_OPTIONS=--require procs/listen"']);
    assert.deepEqual(nodeOptions('again'), ['"NODE_OPTIONS=--require procs/listen"']);
    assert.ok(values(fileText(r.files, 'project-bare.service'), 'Service', 'Environment').includes('"PROCS_LISTEN=3=127.0.0.1:3001"'));
    assert.ok(
      r.notes.includes('api: adopt: node is NODE_OPTIONS=--require procs/listen, which resolves from WorkingDirectory where procs is installed'),
      r.notes.join('\n'),
    );
    assert.deepEqual(nodeOptions('filed'), ['"NODE_OPTIONS=--max-old-space-size=512 --require procs/listen"']);
    assert.deepEqual(values(fileText(r.files, 'project-filed.service'), 'Service', 'EnvironmentFile'), ['/project/filed.env']);
    assert.ok(
      r.notes.includes(
        'filed: adopt: node is NODE_OPTIONS=--require procs/listen, which resolves from WorkingDirectory where procs is installed; NODE_OPTIONS in an env file would replace it',
      ),
      r.notes.join('\n'),
    );
    assert.ok(!r.notes.some((n) => /s3cret|max-old-space|inspect|from-the-file/.test(n)), r.notes.join('\n'));
    assert.doesNotMatch(r.files.map((f) => f.content).join('\n'), /inspect|from-the-file/);
    verified(t, r.files);
  });

  it('a pool’s instances share one socket through Sockets=, each with PORT the listen port; verify passes', (t) => {
    const loaded = load({
      'procs.yaml': `
name: shop
pools:
  web: { command: "node w.js --port \${PORT}", replicas: 3, listen: [8080, "127.0.0.1:9090"], health: { readiness: { notify: true } } }
processes:
  lb: { command: ["/bin/sleep", "100"], depends_on: [web] }
`,
    });
    const r = exportSystemd(loaded.spec);
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['shop-web.0.service', 'shop-web.1.service', 'shop-web.2.service', 'shop-web.socket', 'shop-lb.service', 'shop.target'],
    );
    const socket = fileText(r.files, 'shop-web.socket');
    assert.deepEqual(section(socket, 'Socket'), [
      'ListenStream=8080',
      'ListenStream=127.0.0.1:9090',
      'BindIPv6Only=both',
      'Backlog=511',
      'FileDescriptorName=web',
      'Service=shop-web.0.service',
    ]);
    assert.match(socket, /^# The sockets of pool web, shared by its instances/m);
    for (const i of [0, 1, 2]) {
      const service = fileText(r.files, `shop-web.${i}.service`);
      assert.deepEqual(values(service, 'Service', 'Sockets'), ['shop-web.socket']);
      assert.deepEqual(values(service, 'Unit', 'Requires'), ['shop-web.socket']);
      const env = values(service, 'Service', 'Environment');
      for (const line of [`"WORKER_ID=${i}"`, '"PORT=8080"', '"PROCS_LISTEN=3=[::]:8080,4=127.0.0.1:9090"']) assert.ok(env.includes(line), line);
      assert.deepEqual(values(service, 'Service', 'ExecStart'), ['/bin/sh -c "node w.js --port 8080"']);
    }
    assert.deepEqual(values(fileText(r.files, 'shop-lb.service'), 'Unit', 'Requires'), ['shop-web.0.service shop-web.1.service shop-web.2.service']);
    assert.ok(
      r.notes.includes("web: the pool's instances share shop-web.socket through Sockets=; a connection while none runs starts instance 0"),
      r.notes.join('\n'),
    );
    verified(t, r.files);
  });
});
