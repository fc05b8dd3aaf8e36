// The command `procs run` runs: attached to procs' stdin, stdout and stderr, with the project's
// environment, and guarded like a unit: however procs ends (SIGKILL included), the spawner or the
// guardian ends it and everything it started.
//
// On a terminal it stays in procs' process group: Ctrl-C reaches it directly and it may read the
// terminal. Otherwise it leads its own group, so that a signal to procs reaches all of CMD's
// processes through procs.
//
// Not on execa: loading it made `procs run -- CMD` start CMD ~25 ms later (measured, bundled), and
// it has no equivalent for the rest: the guardian (CMD ended if procs is SIGKILLed) and the tree,
// snapshotted then killed, on a second signal.
import { type ChildProcess, spawn } from 'node:child_process';
import { exitStatus } from '../events/exit.js';
import { descendants, groupMembers, pidExists, scanProcs } from './tree.js';
import { startFailure } from './one-shot.js';

/** A single argument with shell syntax (`procs run -- "npm test && npm run e2e"`) goes through the shell. */
const SHELL_SYNTAX = /[\s;&|<>()$`*?[\]{}~'"\\]/;

/** How CMD ended: its status as a shell reports it (its code, 128+N for signal N, 127 when not found, 126 when it could not run), and why it could not start. */
export interface CommandEnd {
  readonly status: number;
  readonly error?: string;
}

export interface AttachedCommand {
  /** Resolves once CMD has ended. */
  readonly ended: Promise<CommandEnd>;
  /** Whether CMD still runs. */
  running(): boolean;
  /** Passes a signal on to CMD, to let it end gracefully (on a terminal, Ctrl-C has reached it already). */
  forward(sig: NodeJS.Signals): void;
  /** Kills CMD and every process it started with SIGKILL, at once. */
  kill(): void;
  /** Once CMD has ended: sends SIGTERM to what it left running in its own group. */
  endLeftovers(): void;
}

/**
 * Starts CMD (argv, or one string with shell syntax run by /bin/sh) with `env`, and has `guard`
 * guard it (the host's `guardCommand`).
 */
export function startAttached(
  cmd: readonly string[],
  env: Readonly<Record<string, string>>,
  guard: (pid: number, leadsGroup: boolean) => void,
): AttachedCommand {
  const [file = '', ...rest] = cmd;
  const viaShell = cmd.length === 1 && SHELL_SYNTAX.test(file);
  const ownGroup = !process.stdin.isTTY;
  const options = { stdio: 'inherit' as const, env, detached: ownGroup };
  const child = viaShell ? spawn('/bin/sh', ['-c', file], options) : spawn(file, rest, options);
  // Registered before anything else can happen: from here on, procs dying ends CMD too.
  if (child.pid !== undefined) guard(child.pid, ownGroup);
  const ended = endOf(child);
  const running = (): boolean => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
  return {
    ended,
    running,
    forward(sig) {
      if (child.pid === undefined) return;
      if (ownGroup) signal(-child.pid, sig);
      else if (sig !== 'SIGINT' && running()) signal(child.pid, sig);
    },
    kill() {
      if (child.pid === undefined) return;
      // Snapshot first: a parent killed first orphans its children, and the chain is lost.
      const procs = scanProcs();
      const roots = ownGroup ? [child.pid, ...groupMembers(child.pid, procs).map((p) => p.pid)] : running() ? [child.pid] : [];
      const tree = descendants(roots, procs);
      if (ownGroup) signal(-child.pid, 'SIGKILL');
      else if (running()) signal(child.pid, 'SIGKILL');
      for (const p of tree) if (p.pid !== process.pid) signal(p.pid, 'SIGKILL');
    },
    endLeftovers() {
      if (child.pid !== undefined && ownGroup && pidExists(-child.pid)) signal(-child.pid, 'SIGTERM');
    },
  };
}

/** Sends a signal to a pid or (negative) a group that may already be gone. */
function signal(target: number, sig: NodeJS.Signals): void {
  try {
    process.kill(target, sig);
  } catch {
    // already gone
  }
}

// How CMD ended; a spawn error (not found, not executable) is an end like any other.
function endOf(child: ChildProcess): Promise<CommandEnd> {
  return new Promise((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => resolve(startFailure(child.spawnfile, err.code)));
    child.once('exit', (code, sig) => resolve({ status: exitStatus(code, sig) }));
  });
}
