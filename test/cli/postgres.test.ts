// A real database as a unit: a throwaway PostgreSQL cluster with a pg_isready readiness probe,
// and a `psql` step that may only start once the database accepts connections.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertClean, freePort, procs, project, readEvents, removeProject } from '../helpers/cli.js';

const BIN_DIRS = ['/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/17/bin'];
const pgBin = BIN_DIRS.find((d) => existsSync(join(d, 'postgres')));
const asRoot = userInfo().uid === 0;

// PostgreSQL refuses to run as root: as root, the cluster runs as the `postgres` user via setpriv.
function owner(): { uid: number; gid: number; name: string } | undefined {
  if (!asRoot) return undefined;
  const line = execFileSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).trim();
  const [name = 'postgres', , uid = '0', gid = '0'] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

describe('PostgreSQL as a unit', { skip: pgBin === undefined ? 'PostgreSQL server binaries not installed' : false }, () => {
  let data = '';
  let dir = '';
  let base = '';
  let prefix: string[] = [];

  before(() => {
    base = mkdtempSync(join(tmpdir(), 'procs-pg-'));
    data = join(base, 'data');
    const user = owner();
    if (user) {
      chownSync(base, user.uid, user.gid);
      prefix = ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups'];
    }
    const initdb = join(pgBin ?? '', 'initdb');
    const [file = initdb, ...args] = [...prefix, initdb, '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync'];
    execFileSync(file, args, { stdio: 'ignore' });
  });

  after(() => {
    if (dir) removeProject(dir);
    rmSync(base, { recursive: true, force: true });
  });

  it('starts psql only once the database accepts connections, then stops the cluster cleanly', async () => {
    const port = await freePort();
    const argv = [...prefix, join(pgBin ?? '', 'postgres'), '-D', data, '-p', String(port), '-k', base, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'];
    dir = project({
      'procs.yaml': `version: 1
processes:
  db:
    command: ${JSON.stringify(argv)}
    health:
      readiness: { exec: "pg_isready -q -h 127.0.0.1 -p ${port}", interval: 200ms, timeout: 2s }
    stop: { signal: SIGINT, timeout: 20s }
  check:
    command: psql -h 127.0.0.1 -p ${port} -U postgres -Atc "select 40 + 2"
    depends_on: { db: healthy }
    restart: never
`,
    });
    const run = procs(['up'], { cwd: dir });
    await run.waitFor(/check\s+\| 42$/, 60_000);
    await run.waitFor(/check\s+\S+ completed/);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 0, run.text());
    const ev = readEvents(dir);
    const ready = ev.findIndex((e) => e.type === 'ready' && e.unit === 'db');
    const spawned = ev.findIndex((e) => e.type === 'spawn' && e.unit === 'check');
    assert.ok(ready >= 0 && ready < spawned, 'psql started before the database was ready');
    assert.ok(ev.some((e) => e.type === 'stop' && e.unit === 'db' && e.state === 'stopped' && e.forced !== true));
    await assertClean(run);
  });
});
