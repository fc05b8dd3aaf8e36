// The question `procs up` asks on Ctrl-C while it shows a project that runs elsewhere: stop
// it, or detach and leave it running. One key, read with the terminal in raw mode (no echo, no
// line editing, Ctrl-C a key rather than a signal); the terminal's mode is restored however the
// question ends, procs exiting included.
import type { Writable } from 'node:stream';

/** The keyboard: process.stdin, or a stand-in. */
export interface KeyInput {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  on(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export type Choice = 'stop' | 'detach';

/** A question being asked. */
export interface Question {
  readonly answer: Promise<Choice>;
  /** Ends the question with `choice` without a key (a signal, or the project ended meanwhile). */
  cancel(choice: Choice): void;
}

/** What the prompt says: the keys, the default, and that a second Ctrl-C stops. */
export const STOP_OR_DETACH = 'procs: stop the project (s, or Ctrl-C again) or detach and leave it running (d, or Enter)? [d] ';

/** Whether questions can be asked: stdin is a terminal whose mode procs can set. */
export function canAsk(input: KeyInput | undefined): input is KeyInput & { setRawMode(mode: boolean): unknown } {
  return input?.isTTY === true && typeof input.setRawMode === 'function';
}

/** What a key means: `s` or Ctrl-C stop; `d`, Enter or Ctrl-D detach; any other key: nothing. */
export function choiceOf(key: string): Choice | undefined {
  if (key === 's' || key === 'S' || key === '\x03') return 'stop';
  if (key === 'd' || key === 'D' || key === '\r' || key === '\n' || key === '\x04') return 'detach';
  return undefined;
}

/** Writes `prompt` to `out` and waits for a key that answers it on `input` (a terminal: see `canAsk`). */
export function ask(input: KeyInput & { setRawMode(mode: boolean): unknown }, out: Writable, prompt: string): Question {
  let done = false;
  let settle!: (c: Choice) => void;
  const answer = new Promise<Choice>((resolve) => (settle = resolve));
  const restore = (): void => {
    try {
      input.setRawMode(false);
    } catch {
      // the terminal is gone: nothing to restore
    }
  };
  const finish = (choice: Choice, echo: string): void => {
    if (done) return;
    done = true;
    input.off('data', onData);
    restore();
    input.pause();
    process.off('exit', restore);
    out.write(echo);
    settle(choice);
  };
  const onData = (chunk: Buffer | string): void => {
    const keys = String(chunk);
    // An escape sequence (an arrow key, a function key) answers nothing, whatever letters it holds.
    if (keys.startsWith('\x1b')) return;
    for (const key of keys) {
      const choice = choiceOf(key);
      if (choice) return finish(choice, `${choice}\n`);
    }
  };
  out.write(prompt);
  process.once('exit', restore);
  input.setRawMode(true);
  input.on('data', onData);
  input.resume();
  return { answer, cancel: (choice) => finish(choice, '\n') };
}
