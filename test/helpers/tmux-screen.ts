// A real terminal for tests: a private tmux server (its own socket in a temporary folder) with
// one window running a shell command; the screen, with its scrollback, read back as text. The
// server is killed by `close`, and at the end of the test file whatever happens.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { waitFor } from './processes.js';

const open = new Set<TmuxScreen>();

after(() => {
  for (const screen of open) screen.close();
});

export class TmuxScreen {
  readonly #dir: string;
  readonly #sock: string;

  /** Starts a server with one `cols`×`rows` window running `command` (through sh) in `cwd`, with `env` added. */
  constructor(command: string, opts: { cwd: string; env?: Record<string, string>; cols?: number; rows?: number }) {
    this.#dir = mkdtempSync(join(tmpdir(), 'procs-tmux-'));
    this.#sock = join(this.#dir, 'sock');
    open.add(this);
    this.#tmux(['-f', '/dev/null', 'new-session', '-d', '-x', String(opts.cols ?? 160), '-y', String(opts.rows ?? 40), this.#line(command, opts)]);
    this.#tmux(['set-option', '-g', 'history-limit', '20000']);
  }

  /** Runs another command in a new window of the same server; later reads are of that window. */
  run(command: string, opts: { cwd: string; env?: Record<string, string> }): void {
    this.#tmux(['new-window', this.#line(command, opts)]);
  }

  /** Resolves once the last command started has ended (tmux tells: `wait-for`), or rejects after `timeoutMs`. */
  ended(timeoutMs = 60_000): Promise<void> {
    const channel = `ended-${this.#runs}`;
    return new Promise((resolve, reject) => {
      execFile('tmux', ['-S', this.#sock, 'wait-for', channel], { timeout: timeoutMs }, (err) => {
        if (err) reject(new Error(`the command in tmux did not end within ${timeoutMs} ms; the terminal shows:\n${this.lines().join('\n')}`));
        else resolve();
      });
    });
  }

  #runs = 0;

  /** The shell line of a window: `command` in `cwd` with `env`, then a signal on its channel, then a pause (the screen stays). */
  #line(command: string, opts: { cwd: string; env?: Record<string, string> }): string {
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const signal = `tmux -S ${shellQuote(this.#sock)} wait-for -S ended-${++this.#runs}`;
    return `cd ${shellQuote(opts.cwd)} && env ${env.join(' ')} sh -c ${shellQuote(command)}; ${signal}; exec sleep 3600`;
  }

  /** The current window's lines, scrollback included, wrapped lines joined; with `escapes`, SGR kept. */
  lines(escapes = false): string[] {
    const args = ['capture-pane', '-p', '-J', '-S', '-', '-E', '-'];
    if (escapes) args.push('-e');
    return this.#tmux(args).replace(/\n+$/, '').split('\n');
  }

  /** Waits until a line of the current window matches `re`. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.lines().some((l) => re.test(l)), `a line like ${re} on the terminal`, timeoutMs, 50).catch((err: unknown) => {
      throw new Error(`${String(err)}; the terminal shows:\n${this.lines().join('\n')}`);
    });
  }

  /** Kills the server (and what runs in it) and removes its folder. */
  close(): void {
    if (!open.delete(this)) return;
    try {
      this.#tmux(['kill-server']);
    } catch {
      // already gone
    }
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #tmux(args: string[]): string {
    return execFileSync('tmux', ['-S', this.#sock, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }
}

/** `s` quoted for sh. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
