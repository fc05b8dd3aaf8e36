// Who listens on a TCP port, as /proc shows it: the listening sockets of /proc/net/tcp and tcp6
// (any local address), then the processes whose /proc/PID/fd names one of those sockets. A
// process of another user cannot be read (its fd folder is not ours): it is named by its user only.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { printable } from '../base/printable.js';
import { holdersIndex } from './holders.js';
import { scanProcs } from './procfs.js';

/** TCP_LISTEN in /proc/net/tcp's `st` column. */
const LISTEN = '0A';

/** Who holds a port: the process when it can be read, else only whether it is another user. */
export interface PortHolder {
  readonly port: number;
  /** The holder's pid, when its fds could be read. */
  readonly pid?: number;
  /** Its command line (the program's file name, then its arguments; control characters escaped, cut at 120 characters). */
  readonly command?: string;
  /** The listening socket belongs to another user than procs'. */
  readonly otherUser: boolean;
}

// The inodes of the sockets listening on `port` (any address), with their owners' uids.
function listeningSockets(port: number): Map<string, number> {
  const found = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      const f = line.trim().split(/\s+/);
      const local = f[1];
      if (local === undefined || f[3] !== LISTEN || f[9] === undefined) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) !== port) continue;
      found.set(f[9], Number(f[7]));
    }
  }
  return found;
}

// A process's command line for a message, or undefined when it is gone or unreadable.
function commandOf(pid: number): string | undefined {
  try {
    const [program, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').split('\0');
    if (program === undefined || program === '') return undefined;
    const line = [basename(program), ...args].join(' ');
    return printable(line.length > 120 ? `${line.slice(0, 119)}…` : line);
  } catch {
    return undefined;
  }
}

/** Who listens on `port` now, or undefined when nobody does (or /proc cannot tell). */
export function portHolder(port: number): PortHolder | undefined {
  const sockets = listeningSockets(port);
  if (sockets.size === 0) return undefined;
  const wanted = new Set([...sockets.keys()].map((inode) => `socket:[${inode}]`));
  const index = holdersIndex(scanProcs(), 0, wanted);
  const uid = process.getuid?.();
  for (const [link, holders] of index) {
    const holder = holders.map((p) => p.pid).sort((a, b) => a - b)[0];
    if (holder === undefined) continue;
    const owner = sockets.get(link.slice('socket:['.length, -1));
    const command = commandOf(holder);
    return { port, pid: holder, ...(command === undefined ? {} : { command }), otherUser: owner !== undefined && uid !== undefined && owner !== uid };
  }
  return { port, otherUser: [...sockets.values()].some((owner) => uid !== undefined && owner !== uid) };
}

/**
 * Why `port` cannot be used, in words (`port 3000 is in use by pid 4242 (node server.js), outside
 * this project`); `unitOf` names the unit of this project whose tree holds a pid, if any.
 */
export function portInUse(holder: PortHolder, unitOf: (pid: number) => string | undefined): string {
  const head = `port ${holder.port} is in use`;
  if (holder.pid === undefined) return holder.otherUser ? `${head} by another user` : `${head} (its holder cannot be read)`;
  const who = `${head} by pid ${holder.pid}${holder.command === undefined ? '' : ` (${holder.command})`}`;
  const unit = unitOf(holder.pid);
  if (unit !== undefined) return `${who}, unit ${unit} of this project`;
  return holder.otherUser ? `${who}, another user's` : `${who}, outside this project`;
}
