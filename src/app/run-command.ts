// What both ways of `procs run` share: the signals that interrupt it (the first asks CMD to end,
// a second one kills CMD and everything it started), CMD's environment, and running CMD to its end.
import type { Writable } from 'node:stream';
import type { Spec } from '../config/spec.js';
import type { AttachedCommand } from '../proc/attached.js';
import type { ProcessHost } from '../proc/host.js';
import { signalStatus } from '../events/exit.js';
import { onShutdownSignals, type ShutdownSignals } from './signals.js';

/** What `procs run` was asked: CMD, the units it needs up, and how long to wait for them. */
export interface RunRequest {
  readonly cmd: readonly string[];
  readonly names: readonly string[];
  readonly timeoutMs: number | undefined;
}

/**
 * The signals `procs run` gets while it runs. The first is passed on to CMD when it runs (on a
 * terminal, Ctrl-C has reached CMD already) and ends the wait when it does not yet; a second one
 * kills CMD's whole tree at once and calls `onKill` (which kills the units and says so).
 */
export class Interrupts {
  /** The first signal received (or asked for by `procs down`), if any. */
  first: NodeJS.Signals | undefined;
  /** Whether a second signal made procs kill everything. */
  killed = false;
  /** Resolves with the first signal. */
  readonly received: Promise<NodeJS.Signals>;
  #command: AttachedCommand | undefined;
  #resolve!: (sig: NodeJS.Signals) => void;
  readonly #onKill: (sig: NodeJS.Signals, what: string) => void;
  readonly #err: Writable;
  readonly #signals: ShutdownSignals;

  /**
   * `onKill` gets the signal and what is being killed (`the command`, or nothing when CMD is not
   * running); `err` gets the line saying why CMD could not run.
   */
  constructor(onKill: (sig: NodeJS.Signals, what: string) => void, err: Writable) {
    this.#onKill = onKill;
    this.#err = err;
    this.received = new Promise((resolve) => (this.#resolve = resolve));
    this.#signals = onShutdownSignals({ graceful: (sig) => this.#first(sig), force: (sig) => this.#again(sig) });
  }

  /** The status `procs run` exits with once interrupted: 128+N for the first signal N. */
  get status(): number {
    return signalStatus(this.first ?? 'SIGINT');
  }

  /** Asks for a graceful end, as a first signal does; nothing when one came already. */
  requestStop(sig: NodeJS.Signals): void {
    this.#signals.request(sig);
  }

  /** Runs CMD to its end through `host`, passing signals on; gives the status `procs run` exits with. */
  async runCommand(cmd: readonly string[], env: Readonly<Record<string, string>>, host: ProcessHost): Promise<number> {
    const command = host.startCommand(cmd, env);
    this.#command = command;
    const end = await command.ended;
    this.#command = undefined;
    if (end.error !== undefined) this.#err.write(`procs: ${end.error}\n`);
    // What CMD left running in its own group goes with it.
    command.endLeftovers();
    // Killed on a second signal: the run was cut short, CMD's SIGKILL is not its own status.
    return this.killed ? this.status : end.status;
  }

  /** Stops listening for signals. */
  off(): void {
    this.#signals.off();
  }

  #first(sig: NodeJS.Signals): void {
    this.first = sig;
    this.#resolve(sig);
    if (this.#command?.running()) this.#command.forward(sig);
  }

  #again(sig: NodeJS.Signals): void {
    this.killed = true;
    const command = this.#command?.running() ? 'the command' : '';
    this.#command?.kill();
    this.#onKill(sig, command);
  }
}

/** CMD's environment: the project's, and which project it is. */
export function commandEnv(spec: Spec): Record<string, string> {
  return { ...spec.env, PROCS_PROJECT: spec.project };
}
