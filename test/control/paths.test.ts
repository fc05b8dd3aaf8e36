// Where the runtime files go: the socket in `.procs/` when its path fits, else in a private
// folder of the user's named by a hash of the project path; private folders made and checked.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensurePrivateDir, projectPaths, recordedSocketPath, SOCKET_PATH_MAX, socketPathFor } from '../../src/control/paths.js';

const base = mkdtempSync(join(tmpdir(), 'procs-paths-'));
after(() => rmSync(base, { recursive: true, force: true }));
const uid = process.getuid?.() ?? 0;

describe('control paths', () => {
  it('keeps the socket in .procs/ while the path fits', () => {
    const paths = projectPaths('/srv/app');
    assert.equal(paths.socket, '/srv/app/.procs/procs.sock');
    assert.deepEqual(socketPathFor(paths), { path: '/srv/app/.procs/procs.sock', fallback: false });
  });

  it('falls back to /tmp/procs-<uid>/<hash>.sock, or $XDG_RUNTIME_DIR/procs/, when it does not', () => {
    const root = `/srv/${'x'.repeat(SOCKET_PATH_MAX)}`;
    const a = socketPathFor(projectPaths(root), {});
    assert.equal(a.fallback, true);
    assert.match(a.path, new RegExp(`^/tmp/procs-${uid}/[0-9a-f]{16}\\.sock$`));
    assert.equal(socketPathFor(projectPaths(root), {}).path, a.path, 'the same project, the same path');
    assert.notEqual(socketPathFor(projectPaths(`${root}y`), {}).path, a.path, 'another project, another path');
    const runtime = join(base, 'run');
    mkdirSync(runtime, { mode: 0o700 });
    assert.equal(socketPathFor(projectPaths(root), { XDG_RUNTIME_DIR: runtime }).path, join(runtime, 'procs', a.path.split('/').pop() ?? ''));
    assert.equal(socketPathFor(projectPaths(root), { XDG_RUNTIME_DIR: 'relative' }).path, a.path, 'a relative runtime dir is ignored');
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
