// The NOTIFY_SOCKET of units with `notify` readiness or a `watchdog`: a datagram socket of the
// unix family, which Node cannot bind, served by a small helper (native/procs-notify.c, compiled
// at build or install; native/procs-notify.py through python3 where it was not). The helper binds
// the socket (mode 0600), learns each sender's pid from the kernel (SO_PASSCRED) and its process
// group at once, and writes every message to procs over its stdout. It ends when procs closes its
// stdin, which the kernel does when procs dies in any way, SIGKILL included: nothing outlives procs.
// PROCS_NOTIFY_HELPER=python uses the python3 helper even when the compiled one is there,
// PROCS_NOTIFY_HELPER=none neither (both for tests).
import { spawn, type ChildProcess } from 'node:child_process';
import { NOTIFY_HELPER_BINARY, NOTIFY_HELPER_SCRIPT } from '../self.js';
import { executable, python3 } from './tty.js';

/** The helper's program, or why there is none. */
export type NotifyHelper = { readonly file: string; readonly args: readonly string[] } | { readonly missing: string };

/** The helper to use here: the compiled one, else python3 with the script. */
export function notifyHelper(): NotifyHelper {
  const chosen = process.env.PROCS_NOTIFY_HELPER;
  if (chosen !== 'python' && chosen !== 'none' && executable(NOTIFY_HELPER_BINARY)) return { file: NOTIFY_HELPER_BINARY, args: [] };
  const python = chosen === 'none' ? undefined : python3();
  if (python !== undefined) return { file: python, args: [NOTIFY_HELPER_SCRIPT] };
  return {
    missing: `notify readiness and watchdog need the helper ${NOTIFY_HELPER_BINARY} (built with a C compiler when procs is built or installed) or python3 on the PATH; neither is here`,
  };
}

/** Who sent a message: its pid, and its process group (0 when it had exited before it was looked up). */
export interface NotifySender {
  readonly pid: number;
  readonly pgid: number;
}

/** The longest message the helper passes on (as systemd's own limit). */
const MAX_MESSAGE = 4096;
const HEADER = /^N (\d{1,10}) (\d{1,10}) (\d{1,5})$/;

/** One notify socket, bound by the helper at `path` for as long as it is open. */
export class NotifySocket {
  /** Resolves once the socket is bound; rejects, saying why, when the helper cannot bind it. */
  readonly bound: Promise<void>;
  readonly #child: ChildProcess | undefined;
  #pending = Buffer.alloc(0);
  #closed = false;

  constructor(
    readonly path: string,
    private readonly onMessage: (sender: NotifySender, text: string) => void,
  ) {
    const helper = notifyHelper();
    if ('missing' in helper) {
      this.bound = Promise.reject(new Error(helper.missing));
      this.bound.catch(() => {});
      return;
    }
    const child = spawn(helper.file, [...helper.args, path], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    const out = child.stdout;
    const input = child.stdin;
    let errText = '';
    child.stderr?.on('data', (d: Buffer) => {
      if (errText.length < 1000) errText += d.toString('utf8');
    });
    input.on('error', () => {});
    this.bound = new Promise<void>((resolve, reject) => {
      let isBound = false;
      out.on('data', (chunk: Buffer) => {
        this.#pending = Buffer.concat([this.#pending, chunk]);
        if (!isBound) {
          const nl = this.#pending.indexOf(10);
          if (nl < 0) return;
          isBound = this.#pending.subarray(0, nl).toString() === 'bound';
          this.#pending = this.#pending.subarray(nl + 1);
          if (isBound) resolve();
        }
        if (isBound) this.#drain();
      });
      child.once('error', (e) => reject(new Error(`cannot start ${helper.file}: ${e.message}`)));
      child.once('close', () => {
        if (!isBound) reject(new Error(errText.trim() || `the notify helper ended before binding ${path}`));
      });
    });
    this.bound.catch(() => {});
    // The helper must not keep procs alive; it ends when procs does (its stdin closes).
    child.unref();
    for (const s of [child.stdin, child.stdout, child.stderr]) (s as unknown as { unref?: () => void } | null)?.unref?.();
  }

  /** Ends the helper, which removes the socket; resolves once it has ended. */
  close(): Promise<void> {
    const child = this.#child;
    if (this.#closed || !child || child.exitCode !== null || child.signalCode !== null) {
      this.#closed = true;
      return Promise.resolve();
    }
    this.#closed = true;
    const ended = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end();
    child.kill('SIGTERM');
    return ended;
  }

  // Takes every whole message from what the helper wrote: "N PID PGID LEN\n" then LEN bytes.
  #drain(): void {
    for (;;) {
      const nl = this.#pending.indexOf(10);
      if (nl < 0) {
        if (this.#pending.length > 64) this.#pending = Buffer.alloc(0); // not a header: drop it
        return;
      }
      const m = HEADER.exec(this.#pending.subarray(0, nl).toString('latin1'));
      if (!m) {
        this.#pending = this.#pending.subarray(nl + 1);
        continue;
      }
      const len = Number(m[3]);
      if (len > MAX_MESSAGE) {
        this.#pending = Buffer.alloc(0);
        return;
      }
      if (this.#pending.length < nl + 1 + len) return;
      const body = this.#pending.subarray(nl + 1, nl + 1 + len).toString('utf8');
      this.#pending = this.#pending.subarray(nl + 1 + len);
      if (!this.#closed) this.onMessage({ pid: Number(m[1]), pgid: Number(m[2]) }, body);
    }
  }
}
