// Where the runtime files go: the socket in `.procs/` when its path fits, else in a private
// folder made for it with a random name; private folders made and checked; sockets trusted
// only where no one else could have put them.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ensurePrivateDir,
  projectPaths,
  recordedSocketPath,
  removeFallbackDir,
  SOCKET_PATH_MAX,
  socketPathFor,
  untrustedSocket,
} from '../../src/rundir/paths.js';

const base = mkdtempSync(join(tmpdir(), 'procs-paths-'));
after(() => rmSync(base, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;

describe('control paths', () => {
  it('keeps the socket in .procs/ while the path fits', () => {
    const paths = projectPaths('/srv/app');
    assert.equal(paths.socket, '/srv/app/.procs/procs.sock');
    assert.deepEqual(socketPathFor(paths), { path: '/srv/app/.procs/procs.sock', fallback: false });
  });

  it('falls back to a new private folder with a random name under /tmp, or $XDG_RUNTIME_DIR, when it does not', () => {
    const root = `/srv/${'x'.repeat(SOCKET_PATH_MAX)}`;
    const a = socketPathFor(projectPaths(root), {});
    const b = socketPathFor(projectPaths(root), {});
    after(() => [a, b].forEach((s) => removeFallbackDir(s.path)));
    assert.equal(a.fallback, true);
    assert.match(a.path, /^\/tmp\/procs-[A-Za-z0-9]{6}\/procs\.sock$/);
    assert.notEqual(b.path, a.path, 'a name nobody could have taken beforehand');
    const st = statSync(dirname(a.path));
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.uid, uid);
    const runtime = join(base, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    const r = socketPathFor(projectPaths(root), { XDG_RUNTIME_DIR: runtime });
    assert.equal(dirname(dirname(r.path)), runtime);
    const rel = socketPathFor(projectPaths(root), { XDG_RUNTIME_DIR: 'relative' });
    after(() => removeFallbackDir(rel.path));
    assert.match(rel.path, /^\/tmp\//, 'a relative runtime dir is ignored');
  });

  it("trusts a socket only in a 0700 folder of this user, itself this user's and no symlink", async () => {
    const dir = mkdtempSync(join(base, 'trust-'));
    const sock = join(dir, 's.sock');
    assert.deepEqual(untrustedSocket(sock), { kind: 'missing' });
    const server = createServer().listen(sock);
    await once(server, 'listening');
    after(() => server.close());
    assert.equal(untrustedSocket(sock), undefined);
    chmodSync(dir, 0o750);
    assert.match(untrustedSocket(sock)?.kind === 'denied' ? (untrustedSocket(sock) as { why: string }).why : '', /open to other users \(mode 0750, not 0700\)/);
    chmodSync(dir, 0o700);
    symlinkSync(sock, join(dir, 'link.sock'));
    assert.match((untrustedSocket(join(dir, 'link.sock')) as { why: string }).why, /is not a socket \(a symlink\)/);
    symlinkSync(dir, join(base, 'dirlink'));
    assert.match((untrustedSocket(join(base, 'dirlink', 's.sock')) as { why: string }).why, /is not a folder/);
  });

  it('reads the recorded socket path first', () => {
    const root = join(base, 'rec');
    const paths = projectPaths(root);
    mkdirSync(paths.dir, { recursive: true });
    assert.equal(recordedSocketPath(paths), paths.socket);
    writeFileSync(paths.socketPathFile, '/tmp/procs-1/abc.sock\n');
    assert.equal(recordedSocketPath(paths), '/tmp/procs-1/abc.sock');
  });

  it('makes folders private (0700) and refuses a symlink', () => {
    const dir = join(base, 'open');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    ensurePrivateDir(dir);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    ensurePrivateDir(join(base, 'new/deeper'));
    assert.equal(statSync(join(base, 'new/deeper')).mode & 0o777, 0o700);
    symlinkSync(dir, join(base, 'link'));
    assert.throws(() => ensurePrivateDir(join(base, 'link')), /not a folder \(a symlink\?\)/);
  });
});
