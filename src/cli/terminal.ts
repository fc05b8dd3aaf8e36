// The terminal a command runs on: process.stdout and process.stderr, colours and the startup view.
import type { Display } from '../app/options.js';
import { colorEnabled } from '../output/colors.js';
import type { ParsedArgs } from './args.js';

/** How a running project shows here: colours, `--json` and the startup view from the flags and the terminal. */
export function display(args: ParsedArgs): Display {
  const json = args.flags.json === true;
  return {
    out: process.stdout,
    err: process.stderr,
    json,
    color: colorEnabled({ stream: process.stdout, noColorFlag: args.flags['no-color'] === true }),
    startupView: startupViewFor(json),
  };
}

/** How the startup phase shows: a task list on a terminal, groups on GitHub Actions, sections on GitLab CI, else plain lines. */
function startupViewFor(json: boolean): Display['startupView'] {
  if (json) return undefined;
  if (process.stdout.isTTY && (process.stdout.columns ?? 0) > 0) return 'tasks';
  if (process.env.GITHUB_ACTIONS === 'true') return 'ci-groups';
  return process.env.GITLAB_CI === 'true' ? 'gitlab-sections' : undefined;
}

/**
 * Lets procs' stdout on a terminal be written without blocking (a foreground `procs up`). Node
 * writes a terminal synchronously: under a flood of output each write waited until the terminal
 * had read it, and procs did nothing else meanwhile. Order is kept: the stream queues what the
 * terminal cannot take yet, and renderers wait for its 'drain' as they do on a pipe. Only on a
 * pseudo-terminal (/dev/pts/N), which libuv opens again for procs alone, so that the shell's
 * terminal keeps its mode; blocking again at exit. Nothing procs starts in the foreground `up`
 * inherits its stdout. Gives whether writes are now non-blocking.
 */
export function unblockTerminal(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (!stream.isTTY) return false;
  const fs = process.getBuiltinModule('node:fs');
  const fd = (stream as { fd?: number }).fd ?? 1;
  try {
    if (!/^\/dev\/pts\/\d+$/.test(fs.readlinkSync(`/proc/self/fd/${fd}`))) return false;
  } catch {
    return false;
  }
  const handle = (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => number } })._handle;
  if (typeof handle?.setBlocking !== 'function' || handle.setBlocking(false) !== 0) return false;
  process.once('exit', () => handle.setBlocking?.(true));
  return true;
}
