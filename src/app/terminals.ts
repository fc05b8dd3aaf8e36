// The project's unit inputs, for `procs attach`: the process layer hands each run's input over
// (TerminalHooks.started) and asks which window size a terminal starts with (TerminalHooks.size);
// attached clients find the unit here by name, so they stay attached while it restarts. Window
// sizes: an attached client's wins (the latest to attach or resize, when several are); without
// one, procs' own terminal's in a foreground `up` on a terminal, else DEFAULT_WINDOW.
import type { Writable } from 'node:stream';
import type { AttachClient, AttachNotice, InputKind } from '../control/api.js';
import { describeExit } from '../events/exit.js';
import { ENDED_STATES, type ProcsEvent, type UnitState } from '../events/types.js';
import { DEFAULT_WINDOW, type TerminalHooks, type UnitInput, type WindowSize } from '../proc/unit-input.js';
import type { LiveOutput } from './live.js';

export interface TerminalsOptions {
  /** The unit's state now (undefined: no such unit any more). */
  state(unit: string): UnitState | undefined;
  /** How the unit takes input by its spec (used while it has no run). */
  inputOf(unit: string): InputKind;
  /** The project's output of every unit: what a client of a unit without a terminal sees. */
  readonly live: LiveOutput;
  /** The last lines of a unit without a terminal, shown to a client as it attaches. */
  recentLines(unit: string): string;
}

/** One attached client, as the registry holds it. */
export interface Attachment {
  /** Keystrokes or stdin text; dropped while the unit has no run, or takes no input. */
  write(data: Buffer): void;
  resize(size: WindowSize): void;
  /** The client leaves; the unit runs on. */
  detach(): void;
}

interface Client {
  readonly sink: AttachClient;
  size: WindowSize | undefined;
  /** Ends the client's session (after its last notice). */
  readonly end: () => void;
}

interface Entry {
  input: UnitInput | undefined;
  /** Attached clients, the latest to attach or resize last. */
  readonly clients: Client[];
  /** Stops the output to the clients (subscribed while there are any). */
  stopOutput: (() => void) | undefined;
  /** The size the unit's terminal has now. */
  applied: WindowSize | undefined;
  /** How its last run ended, in words. */
  lastExit: string | undefined;
}

export class Terminals {
  readonly #o: TerminalsOptions;
  readonly #units = new Map<string, Entry>();
  #default: WindowSize = DEFAULT_WINDOW;
  #closed = false;

  /** What the process layer calls (createRealDriver's `terminals`). */
  readonly hooks: TerminalHooks = {
    size: (unit) => this.#sizeFor(this.#units.get(unit)),
    started: (unit, input) => this.#started(unit, input),
  };

  constructor(o: TerminalsOptions) {
    this.#o = o;
  }

  /** Takes the default window size from a terminal procs writes to, and follows its resizes; returns the function that stops. */
  follow(out: Writable): () => void {
    const tty = out as Partial<NodeJS.WriteStream>;
    if (tty.isTTY !== true) return () => undefined;
    const take = (): void => {
      const cols = tty.columns ?? 0;
      const rows = tty.rows ?? 0;
      if (cols > 0 && rows > 0) this.setDefault({ cols, rows });
    };
    take();
    out.on('resize', take);
    return () => void out.off('resize', take);
  }

  /** The window size of units no client sizes. */
  setDefault(size: WindowSize): void {
    this.#default = size;
    for (const entry of this.#units.values()) this.#apply(entry);
  }

  /** How `unit` takes input: its run's, else its spec's. */
  inputOf(unit: string): InputKind {
    const input = this.#units.get(unit)?.input;
    return input ? (input.tty ? 'tty' : 'stdin') : this.#o.inputOf(unit);
  }

  /**
   * Attaches `sink` to `unit`: its recent output at once, then live output and notices until the
   * client detaches, the unit stops for good or the project stops (`end` is called then).
   */
  attach(
    unit: string,
    sink: AttachClient,
    size: WindowSize | undefined,
    end: () => void,
  ): { attached: Extract<AttachNotice, { type: 'attached' }>; attachment: Attachment } {
    const entry = this.#entry(unit);
    const client: Client = { sink, size, end };
    const input = this.inputOf(unit);
    const recent = entry.input?.tty ? entry.input.recent() : Buffer.from(this.#o.recentLines(unit));
    if (recent.length > 0) sink.output(recent);
    entry.clients.push(client);
    if (entry.clients.length === 1) this.#subscribe(unit, entry);
    this.#apply(entry);
    const attached = {
      type: 'attached' as const,
      unit,
      input,
      state: this.#o.state(unit) ?? 'stopped',
      ...(input === 'tty' ? { size: entry.applied ?? this.#sizeFor(entry) } : {}),
    };
    let gone = false;
    return {
      attached,
      attachment: {
        write: (data) => {
          if (!gone && entry.input && data.length > 0) entry.input.write(data);
        },
        resize: (next) => {
          if (gone) return;
          client.size = next;
          entry.clients.splice(entry.clients.indexOf(client), 1);
          entry.clients.push(client);
          this.#apply(entry);
        },
        detach: () => {
          if (gone) return;
          gone = true;
          this.#leave(unit, entry, client);
        },
      },
    };
  }

  /** Tells attached clients what happened to their unit; lets them go when it stopped for good. */
  event(e: ProcsEvent): void {
    const entry = this.#units.get(e.unit);
    if (!entry || entry.clients.length === 0) return;
    const ended = e.state !== undefined && ENDED_STATES.has(e.state);
    if (e.type === 'spawn') this.#notify(entry, { type: 'restarted', pid: e.pid });
    else if (e.type === 'exit') {
      entry.lastExit = describeExit(e.exit);
      // An exit into an ended state is said by `ended` (or, for a restart, by the next `restarted`).
      if (!ended) this.#notify(entry, { type: 'exited', text: `${e.unit} ${entry.lastExit}` });
    }
    if (ended) {
      // A restart passes through `stopped` and is pending again once its stop is done: only a
      // unit still ended after that has stopped for good.
      setImmediate(() => this.#checkEnded(e.unit));
    }
  }

  /** The project is going away: every client is told and let go. */
  close(text = 'the project stopped'): void {
    this.#closed = true;
    for (const [unit, entry] of this.#units) this.#endAll(unit, entry, { type: 'ended', text, failed: false });
  }

  #checkEnded(unit: string): void {
    const entry = this.#units.get(unit);
    if (!entry || entry.clients.length === 0) return;
    const state = this.#o.state(unit);
    if (state !== undefined && !ENDED_STATES.has(state)) return;
    const how = state !== 'stopped' && entry.lastExit ? ` (${entry.lastExit})` : '';
    const text = state === undefined ? `${unit} was removed from the project` : `${unit} ${state === 'skipped' ? 'was skipped' : state}${how}`;
    this.#endAll(unit, entry, { type: 'ended', text, failed: state === 'failed' });
  }

  #endAll(unit: string, entry: Entry, notice: AttachNotice): void {
    for (const client of entry.clients.splice(0)) {
      client.sink.notice(notice);
      client.end();
    }
    this.#unsubscribe(entry);
    if (this.#o.state(unit) === undefined) this.#units.delete(unit);
    else this.#apply(entry);
  }

  #entry(unit: string): Entry {
    let entry = this.#units.get(unit);
    if (!entry) this.#units.set(unit, (entry = { input: undefined, clients: [], stopOutput: undefined, applied: undefined, lastExit: undefined }));
    return entry;
  }

  #started(unit: string, input: UnitInput | undefined): void {
    const entry = this.#entry(unit);
    entry.input = input;
    // The run's terminal was made at the size `hooks.size` gave.
    entry.applied = input?.tty ? this.#sizeFor(entry) : undefined;
    if (entry.clients.length > 0) {
      this.#unsubscribe(entry);
      this.#subscribe(unit, entry);
    }
    if (this.#closed) return;
    this.#apply(entry);
  }

  /** Output to the clients: a terminal's raw bytes, or the unit's lines from the project's output. */
  #subscribe(unit: string, entry: Entry): void {
    const send = (chunk: Buffer): void => {
      for (const c of entry.clients) c.sink.output(chunk);
    };
    const input = entry.input;
    entry.stopOutput = input?.tty
      ? input.onOutput(send)
      : this.#o.live.subscribe((b) => {
          if (b.unit === unit) send(Buffer.from(b.text, 'utf8'));
        });
  }

  #unsubscribe(entry: Entry): void {
    entry.stopOutput?.();
    entry.stopOutput = undefined;
  }

  #leave(unit: string, entry: Entry, client: Client): void {
    const at = entry.clients.indexOf(client);
    if (at < 0) return;
    entry.clients.splice(at, 1);
    if (entry.clients.length === 0) this.#unsubscribe(entry);
    this.#apply(entry);
    if (entry.clients.length === 0 && !entry.input && this.#o.state(unit) === undefined) this.#units.delete(unit);
  }

  /** The size for the unit's terminal: the latest client's that gave one, else the default. */
  #sizeFor(entry: Entry | undefined): WindowSize {
    const sized = entry?.clients.filter((c) => c.size !== undefined).at(-1)?.size;
    return sized ?? this.#default;
  }

  #apply(entry: Entry): void {
    const size = this.#sizeFor(entry);
    if (!entry.input?.tty || (entry.applied && entry.applied.cols === size.cols && entry.applied.rows === size.rows)) return;
    entry.applied = size;
    entry.input.resize(size);
  }

  #notify(entry: Entry, notice: AttachNotice): void {
    for (const c of entry.clients) c.sink.notice(notice);
  }
}
