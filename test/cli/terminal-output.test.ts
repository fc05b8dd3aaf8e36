// A unit drawing a progress bar beside one printing lines, on a real terminal (tmux): no line of
// the printer is broken or lost on procs' screen, in its log file or in `procs logs`, and the
// progress bar's cursor moves and screen clears reach none of them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, MAIN, procs, specProject, taggedProcesses } from '../helpers/cli.js';
import { waitFor } from '../helpers/processes.js';
import { TmuxScreen } from '../helpers/tmux-screen.js';

const NODE = JSON.stringify(process.execPath);
const LINES = 150;

/** Printer lines on screen or in a log, in order: `printer line N` as the whole text after the prefix. */
function printerLines(lines: readonly string[], prefix: RegExp): number[] {
  const found: number[] = [];
  for (const line of lines) {
    const m = /printer line (\d+)/.exec(line);
    if (!m) continue;
    assert.match(line, new RegExp(`${prefix.source}printer line ${m[1]}$`), `a broken printer line: ${JSON.stringify(line)}`);
    found.push(Number(m[1]));
  }
  return found;
}

const ALL = Array.from({ length: LINES }, (_, i) => i + 1);
// eslint-disable-next-line no-control-regex -- looking for control characters
const NOT_SGR = /\x1b(?!\[[\d;:]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/;

/** The spec: a progress bar (`extra` added to its block) and a printer, neither restarted. */
function spec(mode: string, extra = '', frames = 300, perTick = 1): string {
  return [
    'version: 1',
    'processes:',
    '  bar:',
    `    command: [${NODE}, ${JSON.stringify(join(BIN, 'progress.js'))}, "${frames}", "${mode}", "${perTick}"]`,
    '    restart: never',
    ...(extra ? [`    ${extra}`] : []),
    '  printer:',
    `    command: [${NODE}, ${JSON.stringify(join(BIN, 'printer.js'))}, "${LINES}", "2"]`,
    '    restart: never',
    '',
  ].join('\n');
}

/** Runs `procs up` on a terminal until both units ended, then checks the screen, the logs and `procs logs`; gives the screen. */
async function check(yaml: string): Promise<string[]> {
  const dir = specProject(yaml);
  const tag = `terminal-output-${process.pid}-${Date.now()}`;
  const env = { PROCS_TEST_TAG: tag, TERM: 'xterm-256color', FORCE_COLOR: '', NO_COLOR: '' };
  const screen = new TmuxScreen(`${NODE} ${JSON.stringify(MAIN)} up`, { cwd: dir, env, cols: 160, rows: 40 });
  try {
    await screen.ended();
    const shown = screen.lines();
    assert.deepEqual(printerLines(shown, /^\d\d:\d\d:\d\d printer \| /), ALL, shown.join('\n'));
    assert.ok(
      shown.some((l) => /^\d\d:\d\d:\d\d bar +\| progress done$/.test(l)),
      `the progress bar's last line is shown whole:\n${shown.join('\n')}`,
    );
    assert.ok(
      screen.lines(true).some((l) => l.includes('\x1b[32mprogress done')),
      'the unit keeps its colour on a coloured terminal',
    );

    const logs = join(dir, '.procs', 'logs');
    assert.deepEqual(printerLines(readFileSync(join(logs, 'printer.log'), 'utf8').split('\n'), /^\S+Z out /), ALL);
    const bar = readFileSync(join(logs, 'bar.log'), 'utf8');
    assert.doesNotMatch(bar, NOT_SGR, 'no cursor move or screen change in the log file');
    assert.ok(bar.includes('Z out \x1b[32mprogress done\x1b[0m\n'), `the log keeps colours: ${JSON.stringify(bar.slice(-300))}`);

    screen.run(`${NODE} ${JSON.stringify(MAIN)} logs -n all`, { cwd: dir, env });
    await screen.ended();
    const logged = screen.lines();
    assert.deepEqual(printerLines(logged, /^\d\d:\d\d:\d\d printer \| /), ALL, logged.join('\n'));
    assert.ok(logged.some((l) => /bar +\| progress done$/.test(l)));
    assert.ok(
      screen.lines(true).some((l) => l.includes('\x1b[32mprogress done')),
      'procs logs shows colours on a coloured terminal',
    );

    const piped = procs(['logs', '-n', 'all'], { cwd: dir });
    assert.equal(await piped.exited, 0);
    assert.deepEqual(printerLines(piped.stdout, /^\d\d:\d\d:\d\d printer \| /), ALL);
    assert.ok(piped.stdout.some((l) => /bar +\| progress done$/.test(l)));
    assert.ok(!piped.text().includes('\x1b'), 'procs logs into a pipe prints no escape at all');
    return shown;
  } finally {
    screen.close();
    await waitFor(() => taggedProcesses(tag).length === 0, 'the processes of the run to end', 10_000).catch(() => {
      for (const pid of taggedProcesses(tag)) process.kill(pid, 'SIGKILL');
      assert.fail('processes of the run outlived it');
    });
  }
}

void describe('a progress bar beside a line printer on a terminal', () => {
  void it('on a pipe, drawing with cursor-up, erase-line and a screen clear: no printer line broken or lost', async () => {
    await check(spec('up'));
  });

  void it('on a pseudo-terminal (tty: true), redrawing with "\\r" (2 MB of frames): only the last frame shows, no printer line broken or lost', async () => {
    const shown = await check(spec('cr', 'tty: true', 40_000, 500));
    assert.deepEqual(
      shown.filter((l) => /^\d\d:\d\d:\d\d bar +\|/.test(l)).map((l) => l.slice(9)),
      ['bar     | progress done'],
      'no frame of the bar, nor a piece of one, is left as a line of its own',
    );
  });
});
