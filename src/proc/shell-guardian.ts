// The shell guardian, for units started without the spawner (the spawner guards its own): when
// procs dies without stopping its units (SIGKILL, an OOM kill, a crash), nothing in procs can
// run, so a tiny /bin/sh process (native/procs-guardian.sh) does it. A host starts it once, at
// its first spawn, in its own session (out of every unit's group and out of the terminal's
// reach), and keeps the write end of its stdin. The host tells it each unit's process group as
// it spawns (`g PGID`), each descendant that left its group as it is found (`p PID`), and each
// group once it is gone (`u PGID`). However procs ends, the kernel closes that pipe: the guardian
// reads end-of-file and ends what is still registered (see the script). After a normal exit every
// group has been released, so it just exits. No polling while procs lives: it sleeps in read(2).
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { packageFile } from '../self.js';

/** The guardian script, shipped in the package's `native` folder (found from the bundle and from dist/src alike). */
export const GUARDIAN_SCRIPT_FILE = packageFile('native/procs-guardian.sh');

/** One host's guardian process, started on first use. */
export class ShellGuardian {
  #enabled: boolean;
  #child: ChildProcess | undefined;
  #broken = false;

  /** A guardian that is off (`enabled` false) starts only once `enable` is called. */
  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  /** Turns the guardian on; it starts at the next line that asks for it. */
  enable(): void {
    this.#enabled = true;
  }

  /** Sends one line of the protocol, starting the guardian first when `startIfNeeded`. */
  send(line: string, startIfNeeded: boolean): void {
    if (!this.#enabled || this.#broken) return;
    if (this.#child === undefined) {
      if (!startIfNeeded) return;
      this.#child = this.#start();
    }
    this.#child?.stdin?.write(line);
  }

  // Starts the guardian: its own session, stdin a pipe from procs, nothing else shared; neither
  // the process nor the pipe keeps procs' event loop alive.
  #start(): ChildProcess | undefined {
    const broke = (): void => {
      this.#broken = true;
    };
    try {
      const child = spawn('/bin/sh', [GUARDIAN_SCRIPT_FILE], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      });
      child.once('error', broke);
      child.once('exit', broke);
      child.unref();
      const stdin = child.stdin as Socket | null;
      stdin?.on('error', broke);
      stdin?.unref();
      return child;
    } catch {
      broke();
      return undefined;
    }
  }
}
