// The guardian, for units started without the spawner (spawner.ts, which guards its own): when procs dies without stopping its units (SIGKILL, an OOM kill, a crash), nothing
// in procs can run, so a tiny /bin/sh process does it. procs starts it once, at the first spawn,
// in its own session (out of every unit's group and out of the terminal's reach), and keeps the
// write end of its stdin. procs tells it each unit's process group as it spawns (`g PGID`), each
// descendant that left its group as it is found (`p PID`), and each group once it is gone
// (`u PGID`). However procs ends, the kernel closes that pipe: the guardian reads end-of-file,
// snapshots the registered groups and their descendants (through the parent chain), sends them
// SIGTERM, then SIGKILL once they are gone or after a second's grace, and exits (zombies count as
// gone: PID 1 of a container may never reap them). After a normal exit every group has been
// released, so it just exits. No polling while procs lives: the guardian sleeps in read(2).

import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { forgetGroup, noteGroup } from './group-record.js';
import { spawnerAvailable, spawnerGuard } from './spawner.js';

/** How long the guardian waits after SIGTERM before SIGKILL, in tenths of a second. */
const GRACE_TENTHS = 10;

/**
 * The guardian itself (dash/POSIX sh). It records the start time of every process it is told about
 * (field 22 of /proc/PID/stat) and at the end skips a pid whose start time changed: a pid reused
 * by an unrelated process is never signalled.
 */
export const GUARDIAN_SCRIPT = `# procs guardian: kills procs' process groups once procs is gone
trap '' INT HUP QUIT PIPE
start_of() { st=; [ -r "/proc/$1/stat" ] || return 1; read -r line < "/proc/$1/stat" || return 1; set -- \${line##*') '}; shift 19; st=$1; }
running() { [ -r "/proc/$1/stat" ] && read -r line < "/proc/$1/stat" 2>/dev/null && set -- \${line##*') '} && [ "$1" != Z ]; }
groups= pids=
while read -r op a; do
  case $op in
    g) start_of "$a" || st=gone; groups="$groups $a:$st" ;;
    p) start_of "$a" && pids="$pids $a:$st" ;;
    u) rest=; for e in $groups; do case $e in "$a":*) ;; *) rest="$rest $e" ;; esac; done; groups=$rest ;;
  esac
done
targets=
for e in $groups; do
  g=\${e%%:*}; s=\${e#*:}
  if [ -e "/proc/$g" ]; then start_of "$g"; [ "$st" = "$s" ] || continue; fi
  targets="$targets -$g"
done
for e in $pids; do p=\${e%%:*}; start_of "$p" && [ "$st" = "\${e#*:}" ] && targets="$targets $p"; done
[ -n "$targets" ] || exit 0
all=
for d in /proc/[0-9]*; do
  [ -r "$d/stat" ] && read -r line < "$d/stat" 2>/dev/null || continue
  set -- \${line##*') '}; all="$all \${d#/proc/}:$2:$3"
done
members=' '
for e in $all; do
  p=\${e%%:*}; r=\${e#*:}
  case "$targets " in *" -\${r#*:} "*|*" $p "*) members="$members$p " ;; esac
done
n=0; grew=1
while [ $grew = 1 ] && [ $n -lt 32 ]; do
  grew=0; n=$((n + 1))
  for e in $all; do
    p=\${e%%:*}; r=\${e#*:}
    case $members in *" $p "*) continue ;; esac
    case $members in *" \${r%%:*} "*) [ "$p" = $$ ] || { members="$members$p "; grew=1; } ;; esac
  done
done
kill -s TERM -- $targets $members 2>/dev/null
i=0
while [ $i -lt ${GRACE_TENTHS} ]; do
  alive=
  for t in $members; do running "$t" && { alive=1; break; }; done
  [ -n "$alive" ] || break
  sleep 0.1; i=$((i + 1))
done
kill -s KILL -- $targets $members 2>/dev/null
exit 0
`;

let enabled = false;
let guardian: ChildProcess | undefined;
let broken = false;

/** Turns the guardian on for this process (the real driver does, once); it starts at the first spawn. */
export function enableGuardian(): void {
  enabled = true;
}

// Starts the guardian: its own session, stdin a pipe from procs, nothing else shared; neither
// the process nor the pipe keeps procs' event loop alive.
function start(): ChildProcess | undefined {
  try {
    const child = spawn('/bin/sh', ['-c', 'eval "$PROCS_GUARDIAN_SCRIPT"', 'procs-guardian'], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PROCS_GUARDIAN_SCRIPT: GUARDIAN_SCRIPT },
    });
    child.once('error', () => {
      broken = true;
    });
    child.once('exit', () => {
      broken = true;
    });
    child.unref();
    const stdin = child.stdin as Socket | null;
    stdin?.on('error', () => {
      broken = true;
    });
    stdin?.unref();
    return child;
  } catch {
    broken = true;
    return undefined;
  }
}

// Sends one line, starting the guardian on first use.
function send(line: string, startIfNeeded: boolean): void {
  if (!enabled || broken) return;
  if (guardian === undefined) {
    if (!startIfNeeded) return;
    guardian = start();
  }
  guardian?.stdin?.write(line);
}

/** A unit's process group has just been created (its leader `pgid` spawned). */
export function guardGroup(pgid: number): void {
  noteGroup(pgid);
  send(`g ${pgid}\n`, true);
}

/** A descendant of a unit that left its group (found while stopping): kill it too. */
export function guardPid(pid: number): void {
  spawnerGuard(`p ${pid}\n`);
  send(`p ${pid}\n`, false);
}

/** A unit's group is gone: nothing to do for it any more. */
export function releaseGroup(pgid: number): void {
  forgetGroup(pgid);
  spawnerGuard(`u ${pgid}\n`);
  send(`u ${pgid}\n`, false);
}

/**
 * A command procs runs itself outside the units (`procs run`'s CMD): the group it leads, or, when
 * it shares procs' group (on a terminal), the process and its descendants, ended like a unit's if
 * procs dies. The spawner guards it when there is one (it is started for that if need be), else
 * the guardian, started now if it is not running yet.
 */
export function guardCommand(pid: number, leadsGroup: boolean): void {
  const line = leadsGroup ? `g ${pid}\n` : `p ${pid}\n`;
  if (spawnerAvailable() && spawnerGuard(line)) return;
  enabled = true;
  send(line, true);
}
