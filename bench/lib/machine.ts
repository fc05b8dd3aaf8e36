// The machine a result was measured on, and the versions of the tools.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, REPO } from './paths.js';
import type { Tool } from './tools.js';

const sh = (cmd: string): string => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout.trim();

// The version of an npm package installed at `dir`, or '?'.
function pkgVersion(dir: string): string {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** Markdown lines: CPU, cores, memory, OS, Node, date, and each tool's version. */
export function machine(tools: readonly Tool[]): string {
  const peer = (name: string): string => pkgVersion(join(PEERS_DIR, 'node_modules', name));
  const versions: Record<string, string> = {
    procs: pkgVersion(REPO),
    concurrently: peer('concurrently'),
    'nf (npm foreman)': peer('foreman'),
    'foreman (ruby)': sh('foreman version 2>/dev/null | head -1'),
    pm2: peer('pm2'),
    supervisord: sh('supervisord --version 2>/dev/null'),
    nodemon: peer('nodemon'),
  };
  return [
    `- CPU: ${sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2")}; \`nproc\` = ${sh('nproc')}`,
    `- \`free -h\`: ${sh('free -h | awk \'/Mem:/ {print "total " $2 ", used " $3 ", available " $7}\'')}`,
    `- OS: ${sh('uname -sr')}; /bin/sh → ${sh('readlink -f /bin/sh')}`,
    `- Node ${process.version} (procs and the npm peers run on it); date ${new Date().toISOString()}`,
    `- Tools: ${tools.map((t) => `${t.name} ${versions[t.name] ?? '?'}`).join(', ')}`,
  ].join('\n');
}
