// The way into a running unit: keystrokes and window sizes to a unit on a pseudo-terminal
// (`tty: true`), text to the stdin pipe of one with `stdin: true`, and its raw output as it wrote
// it, for `procs attach`. Units with neither have no input and get /dev/null as stdin.

/** A terminal's size in character cells. */
export interface WindowSize {
  readonly cols: number;
  readonly rows: number;
}

/** The size a unit's terminal gets when procs has no terminal to take it from. */
export const DEFAULT_WINDOW: WindowSize = { cols: 120, rows: 40 };

/** One run's input and raw output (a restart gives a new one). */
export interface UnitInput {
  /** On a pseudo-terminal (keystrokes, resizes) rather than a plain stdin pipe (text). */
  readonly tty: boolean;
  /** Bytes to the unit: keystrokes to its terminal, or text to its stdin. False once the unit's input is gone. */
  write(data: Buffer): boolean;
  /** Sets the terminal's window size (the unit gets SIGWINCH); nothing without a terminal. */
  resize(size: WindowSize): void;
  /**
   * Raw output from now on, as the unit wrote it (on a terminal: with its escape sequences,
   * before any cleaning for the line path). Returns the function that stops it.
   */
  onOutput(fn: (chunk: Buffer) => void): () => void;
  /** The last raw output (a few KB, starting at a line's start where it can), for a client that attaches now. */
  recent(): Buffer;
  /** Resolves once the run's input and output are closed. */
  readonly closed: Promise<void>;
}

/** What the process layer asks of the project about terminals, and tells it. */
export interface TerminalHooks {
  /** The window size a `tty: true` unit starts with. */
  size(unit: string): WindowSize;
  /** A run of `unit` has started with this input (undefined: neither `tty` nor `stdin`). */
  started(unit: string, input: UnitInput | undefined): void;
}
