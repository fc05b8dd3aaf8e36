// Installs the peers into bench/tmp (never as project dependencies): pm2, concurrently, foreman
// (nf) and nodemon from npm; supervisor and ruby-foreman from Debian when running as root.
// Each step that fails leaves a note; the tool is then skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR } from './paths.js';

const NPM_PEERS = ['pm2', 'concurrently', 'foreman', 'nodemon'];
const APT_PEERS: Record<string, string> = { supervisord: 'supervisor', foreman: 'ruby-foreman' };

const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Installs what is missing; gives one note per peer that could not be installed. */
export function installPeers(log: (text: string) => void): string[] {
  const notes: string[] = [];
  mkdirSync(PEERS_DIR, { recursive: true });
  const pkg = join(PEERS_DIR, 'package.json');
  if (!existsSync(pkg)) writeFileSync(pkg, '{ "name": "procs-bench-peers", "private": true }\n');
  const missing = NPM_PEERS.filter((p) => !existsSync(join(PEERS_DIR, 'node_modules', p, 'package.json')));
  if (missing.length > 0) {
    log(`installing from npm into ${PEERS_DIR}: ${missing.join(' ')}`);
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...missing], { cwd: PEERS_DIR, stdio: 'inherit', timeout: 300_000 });
    if (r.status !== 0) notes.push(`npm install ${missing.join(' ')} failed (status ${String(r.status)})`);
  }
  const aptMissing = Object.entries(APT_PEERS)
    .filter(([cmd]) => !onPath(cmd))
    .map(([, pkgName]) => pkgName);
  if (aptMissing.length > 0) {
    if (process.getuid?.() !== 0) {
      notes.push(`${aptMissing.join(', ')} not installed and not root: apt-get install ${aptMissing.join(' ')}`);
    } else {
      log(`installing from Debian: ${aptMissing.join(' ')}`);
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env, timeout: 300_000 });
      const r = spawnSync('apt-get', ['install', '-y', ...aptMissing], { stdio: 'inherit', env, timeout: 300_000 });
      if (r.status !== 0) notes.push(`apt-get install ${aptMissing.join(' ')} failed (status ${String(r.status)})`);
    }
  }
  return notes;
}
