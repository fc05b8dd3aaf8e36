// A real terminal for tests: a tmux server of its own (a private socket in a temporary folder),
// one window running a command, its screen read with `capture-pane` and polled until the text
// expected shows, with a deadline. The command's exit status is written on the terminal after it,
// and the pane stays. Every server is killed after the test file, whatever happened.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const servers: Tmux[] = [];
/** The line the shell around the command writes once it has exited. */
const EXITED = /^\[exited with (\d+)\]$/m;
after(() => {
  for (const t of servers.splice(0)) t.kill();
});

/** Whether tmux can be used here. */
export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export interface TmuxOptions {
  readonly cwd: string;
  /** Set in the command's environment (beside the test's own). */
  readonly env?: Record<string, string>;
  readonly cols?: number;
  readonly rows?: number;
}

export class Tmux {
  readonly #dir: string;
  readonly #sock: string;

  /** Starts a server running `argv` (a program and its arguments) in a window of `cols`×`rows`. */
  constructor(argv: readonly string[], o: TmuxOptions) {
    this.#dir = mkdtempSync(join(tmpdir(), 'procs-tmux-'));
    this.#sock = join(this.#dir, 'sock');
    const conf = join(this.#dir, 'tmux.conf');
    // Read before the first window exists: the pane stays after its command exits.
    writeFileSync(conf, 'set -g remain-on-exit on\nset -g history-limit 5000\n');
    servers.push(this);
    const env = Object.entries(o.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // A shell runs the command and writes its exit status on the terminal: tmux may be slow to
    // reap a pane's process, so the status is read from the screen, not from tmux. The shell
    // survives the Ctrl-C sent to the command (a trap, which the command does not inherit).
    const cmd = ['sh', '-c', 'trap : INT; "$@"; echo "[exited with $?]"', 'sh', ...argv].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    this.#tmux(['-f', conf, 'new-session', '-d', '-x', String(o.cols ?? 120), '-y', String(o.rows ?? 40), '-c', o.cwd, ...env, `exec ${cmd}`], o.env);
  }

  /** The window's text: its scrollback and screen, lines joined where they wrapped. */
  screen(): string {
    return this.#tmux(['capture-pane', '-p', '-J', '-S', '-5000']);
  }

  /** Resolves with the screen once `re` matches it; rejects after `timeoutMs` with what it shows. */
  async waitFor(re: RegExp, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen();
      if (re.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re} on the terminal; it shows:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Types keys (tmux names: `C-c`, `Enter`, or plain text). */
  keys(...keys: string[]): void {
    this.#tmux(['send-keys', ...keys]);
  }

  /** Resolves with the command's exit status once it has exited; rejects after `timeoutMs`. */
  async exited(timeoutMs = 30_000): Promise<number> {
    return Number(EXITED.exec(await this.waitFor(EXITED, timeoutMs))?.[1]);
  }

  /** Resizes the window (its program gets SIGWINCH). */
  resize(cols: number, rows: number): void {
    this.#tmux(['resize-window', '-x', String(cols), '-y', String(rows)]);
  }

  /** Kills the server (and with it whatever still runs in its window) and removes its folder. */
  kill(): void {
    spawnSync('tmux', ['-S', this.#sock, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #tmux(args: readonly string[], env: Record<string, string> = {}): string {
    return execFileSync('tmux', ['-S', this.#sock, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  }
}
