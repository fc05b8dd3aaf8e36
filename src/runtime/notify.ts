// What a unit announces on its NOTIFY_SOCKET (systemd's sd_notify protocol): READY=1, STATUS=…,
// STOPPING=1, WATCHDOG=1 (and WATCHDOG=trigger). The messages are parsed here and kept per run;
// the watchdog is a timer on the injected clock. Pure: the socket is the process layer's
// (proc/notify.ts), which hands over each message with the pid that sent it.
import type { Clock, TimerHandle } from '../base/clock.js';
import type { UnitSpec } from '../config/spec.js';

/** What procs reads in one message; every other variable is ignored. */
export interface NotifyFields {
  readonly ready?: true;
  /** STATUS=…, control characters replaced, at most `STATUS_MAX` characters. */
  readonly status?: string;
  readonly stopping?: true;
  /** WATCHDOG=1 (`ping`), or WATCHDOG=trigger (`trigger`: fail now). */
  readonly watchdog?: 'ping' | 'trigger';
}

/** The longest status line kept; a longer one is cut, with `…`. */
export const STATUS_MAX = 200;

/**
 * A message's `KEY=VALUE` lines. Lines without `=`, unknown keys and values procs does not
 * understand (READY=0) are ignored, so garbage gives no fields at all; a key given twice counts
 * as its last line.
 */
export function parseNotify(text: string): NotifyFields {
  const out: { ready?: true; status?: string; stopping?: true; watchdog?: 'ping' | 'trigger' } = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'READY' && value === '1') out.ready = true;
    else if (key === 'STOPPING' && value === '1') out.stopping = true;
    else if (key === 'WATCHDOG' && (value === '1' || value === 'trigger')) out.watchdog = value === '1' ? 'ping' : 'trigger';
    else if (key === 'STATUS') out.status = statusLine(value);
  }
  return out;
}

// Control characters (and the rest of a line) would break `ps`'s table: each becomes a space.
function statusLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
  return clean.length > STATUS_MAX ? `${clean.slice(0, STATUS_MAX - 1)}…` : clean;
}

/** Whether a unit listens for announcements: a `notify` readiness probe or a `watchdog`. */
export function announces(unit: UnitSpec): boolean {
  return unit.health.readiness?.check.kind === 'notify' || unit.watchdogMs !== undefined;
}

/** What a run has announced so far. */
export interface Announced {
  readonly run: number;
  readonly status: string | null;
  readonly stopping: boolean;
}

interface RunNote {
  readonly run: number;
  status: string | null;
  stopping: boolean;
  watchdog?: TimerHandle;
}

/**
 * The announcements of each unit's current run, and its watchdog: armed when the run starts,
 * re-armed by every WATCHDOG=1; when it runs out, `missed` is told (a liveness failure).
 */
export class Announcements {
  readonly #runs = new Map<string, RunNote>();

  constructor(
    private readonly clock: Clock,
    private readonly missed: (name: string, run: number, reason: string) => void,
  ) {}

  /** A run of `unit` has spawned: its announcements start afresh, its watchdog runs. */
  running(unit: UnitSpec, run: number): void {
    this.ended(unit.name);
    if (!announces(unit)) return;
    const note: RunNote = { run, status: null, stopping: false };
    this.#runs.set(unit.name, note);
    this.#arm(unit, note);
  }

  /** The run has ended or is being stopped (any run when not given): its watchdog stops. */
  ended(name: string, run?: number): void {
    const note = this.#runs.get(name);
    if (!note || (run !== undefined && note.run !== run)) return;
    note.watchdog?.cancel();
    this.#runs.delete(name);
  }

  /** A message from the run `run` of `unit`; false when that run is not the one listened to. */
  message(unit: UnitSpec, run: number, fields: NotifyFields): boolean {
    const note = this.#runs.get(unit.name);
    if (!note || note.run !== run) return false;
    if (fields.status !== undefined) note.status = fields.status;
    if (fields.stopping) note.stopping = true;
    if (fields.watchdog === 'ping') this.#arm(unit, note);
    else if (fields.watchdog === 'trigger' && unit.watchdogMs !== undefined) {
      note.watchdog?.cancel();
      this.missed(unit.name, run, 'the unit asked for a watchdog restart (WATCHDOG=trigger)');
    }
    return true;
  }

  /** What the current run of a unit has announced, if it listens. */
  of(name: string): Announced | undefined {
    const note = this.#runs.get(name);
    return note && { run: note.run, status: note.status, stopping: note.stopping };
  }

  stopAll(): void {
    for (const name of [...this.#runs.keys()]) this.ended(name);
  }

  #arm(unit: UnitSpec, note: RunNote): void {
    const ms = unit.watchdogMs;
    if (ms === undefined) return;
    note.watchdog?.cancel();
    note.watchdog = this.clock.setTimer(ms, () => {
      if (this.#runs.get(unit.name) !== note) return;
      this.missed(unit.name, note.run, `no WATCHDOG=1 within ${durationWords(ms)}`);
    });
  }
}

// 10000 → `10s`, 1500 → `1500ms`.
function durationWords(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
