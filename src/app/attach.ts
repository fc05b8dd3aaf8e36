// `procs attach UNIT`: this terminal on one unit of the running project, through its control
// socket. A `tty: true` unit gets every keystroke (the terminal in raw mode: Ctrl-C is the byte
// 0x03, which the unit's terminal turns into its SIGINT) until Ctrl-P Ctrl-Q, as docker attach
// detaches. A `stdin: true` unit gets the lines typed (cooked mode; Ctrl-C or Ctrl-D detaches). A
// unit with neither shows its output and says how to type to it. Input that is not a terminal
// is sent as it comes, and its end detaches. The unit always keeps running.
import type { Readable } from 'node:stream';
import type { AttachNotice, AttachSession, InputKind } from '../control/api.js';
import type { WindowSize } from '../proc/unit-input.js';
import { EXIT } from './exit-codes.js';
import { clientFor } from './locate.js';
import type { Terminal } from './options.js';
import { onShutdownSignals, type SignalSource } from './signals.js';

/** The terminal `procs attach` runs on (process.stdin/stdout/stderr in the CLI). */
export interface AttachTerminal extends Terminal {
  /** What is typed (or piped in). */
  readonly input: Readable;
  /** The input is a terminal: raw mode is possible. */
  readonly inputIsTerminal: boolean;
  /** Raw mode on or off; only called when `inputIsTerminal`. */
  setRaw(on: boolean): void;
  /** The window size, when `out` is a terminal. */
  size(): WindowSize | undefined;
  /** Calls `fn` when the window changes size; returns the function that stops. */
  onResize(fn: () => void): () => void;
  /** Where signals come from (the process). */
  readonly signals?: SignalSource;
}

const CTRL_P = 0x10;
const CTRL_Q = 0x11;

/** Ctrl-P Ctrl-Q out of a keystroke stream; Ctrl-P followed by another key sends both. */
export class DetachKeys {
  #held = false;

  /** The bytes to send for `chunk`, and whether the detach keys were pressed (what follows them is not sent). */
  feed(chunk: Buffer): { send: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.#held) {
        this.#held = false;
        if (byte === CTRL_Q) return { send: Buffer.from(out), detach: true };
        out.push(CTRL_P);
        if (byte === CTRL_P) {
          this.#held = true;
          continue;
        }
        out.push(byte);
      } else if (byte === CTRL_P) this.#held = true;
      else out.push(byte);
    }
    return { send: Buffer.from(out), detach: false };
  }
}

export interface AttachOptions {
  /** `-f` files: where the project is. */
  readonly files: readonly string[];
  readonly unit: string;
  /** `--no-stdin`: output only, nothing typed is read (Ctrl-C detaches). */
  readonly noStdin: boolean;
}

/** Attaches the terminal to a unit; resolves with procs' exit code once detached or the unit has ended. */
export async function attachUnit(o: AttachOptions, t: AttachTerminal): Promise<number> {
  const { files, unit } = o;
  const { client } = clientFor(files);
  let shown = false;
  const early: Buffer[] = [];
  let raw = false;
  let ended: Extract<AttachNotice, { type: 'ended' }> | undefined;
  let restarted = false;
  let kind: InputKind = 'none';
  const say = (text: string): void => void t.err.write(raw ? `\r\nprocs: ${text}\r\n` : `procs: ${text}\n`);
  const session = client.attach(
    unit,
    {
      output: (chunk) => (shown ? t.out.write(chunk) : early.push(chunk)),
      notice: (n) => {
        if (n.type === 'exited') say(`${n.text}; procs restarts it (detach with ${keysOf(kind, t)})`);
        else if (n.type === 'restarted') say(`${unit} ${restarted ? 'started again' : 'started'}${n.pid === null ? '' : ` (pid ${n.pid})`}`);
        else if (n.type === 'dropped') say(`${n.bytes} bytes of ${unit}'s output were dropped (this terminal read too slowly)`);
        else if (n.type === 'ended') ended = n;
        if (n.type === 'exited') restarted = true;
      },
    },
    t.size(),
  );
  const attached = await session.ready;
  kind = attached.input;
  const name = attached.unit;
  raw = kind === 'tty' && t.inputIsTerminal && !o.noStdin;
  const stopResize = t.onResize(() => {
    const size = t.size();
    if (size) session.resize(size);
  });
  let detachedByUser = false;
  const detach = (): void => {
    detachedByUser = true;
    session.close();
  };
  // Listening before saying it is attached: a signal from then on detaches.
  const signals = onShutdownSignals({ graceful: detach, force: detach }, t.signals);
  t.err.write(`${o.noStdin ? outputOnlyLine(name, attached.size, kind) : attachedLine(name, attached.size, kind, t)}\n`);
  if (raw) t.setRaw(true);
  try {
    shown = true;
    for (const chunk of early.splice(0)) t.out.write(chunk);
    const stopInput = o.noStdin ? () => undefined : forwardInput(session, kind, t, detach);
    await session.ended;
    stopInput();
  } finally {
    stopResize();
    signals.off();
    if (raw) t.setRaw(false);
    raw = false;
  }
  if (ended) {
    t.err.write(`procs: ${ended.text}; detached\n`);
    return ended.failed ? EXIT.failed : EXIT.ok;
  }
  if (!detachedByUser) {
    t.err.write(`procs: the connection to the project was lost; ${name} may still run (procs ps shows it)\n`);
    return EXIT.failed;
  }
  t.err.write(`detached from ${name}; it keeps running\n`);
  return EXIT.ok;
}

/** Sends what is typed to the session; returns the function that stops reading. */
function forwardInput(session: AttachSession, kind: InputKind, t: AttachTerminal, detach: () => void): () => void {
  const keys = new DetachKeys();
  const onData = (chunk: Buffer | string): void => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (kind === 'tty' && t.inputIsTerminal) {
      const { send, detach: leave } = keys.feed(bytes);
      if (send.length > 0) session.write(send);
      if (leave) detach();
    } else if (kind !== 'none') session.write(bytes);
  };
  // The end of the input (Ctrl-D on a terminal in cooked mode, the end of a pipe) detaches.
  const onEnd = (): void => detach();
  t.input.on('data', onData);
  t.input.on('end', onEnd);
  t.input.resume();
  return () => {
    t.input.off('data', onData);
    t.input.off('end', onEnd);
    t.input.pause();
  };
}

/** `attached to web (tty 120×40) — detach with Ctrl-P Ctrl-Q` and its kin. */
function attachedLine(name: string, size: WindowSize | undefined, kind: InputKind, t: AttachTerminal): string {
  const keys = keysOf(kind, t);
  if (!t.inputIsTerminal) {
    const sent = kind === 'none' ? `${name} takes no input, so what is piped in is not sent (set tty: true or stdin: true on it)` : 'input is sent as it comes';
    return `attached to ${name}${kind === 'tty' && size ? ` (tty ${size.cols}×${size.rows})` : ''}; ${sent}; the end of the input detaches`;
  }
  if (kind === 'tty') return `attached to ${name} (${size ? `tty ${size.cols}×${size.rows}` : 'tty'}) — detach with ${keys}`;
  if (kind === 'stdin') return `attached to ${name} (stdin: each line typed goes to it) — detach with ${keys}`;
  return `attached to ${name} (output only: it takes no input; set tty: true or stdin: true on it to type to it) — detach with ${keys}`;
}

/** What `--no-stdin` says on attaching. */
function outputOnlyLine(name: string, size: WindowSize | undefined, kind: InputKind): string {
  return `attached to ${name} (${kind === 'tty' && size ? `tty ${size.cols}×${size.rows}, ` : ''}output only: --no-stdin) — detach with Ctrl-C`;
}

/** The keys that detach, in words. */
function keysOf(kind: InputKind, t: AttachTerminal): string {
  if (!t.inputIsTerminal) return 'Ctrl-C';
  return kind === 'tty' ? 'Ctrl-P Ctrl-Q' : 'Ctrl-C or Ctrl-D';
}
