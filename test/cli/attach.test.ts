// `procs attach` on real terminals (tmux, a private server per terminal), against a detached
// daemon and a foreground `procs up`: a `tty: true` shell sees a terminal, follows resizes and
// takes keystrokes from two attached clients at once; a Python REPL driven through attach (an
// expression and its value, Ctrl-C reaching it as KeyboardInterrupt, Ctrl-P Ctrl-Q detaching
// while it runs on); a `stdin: true` unit gets the lines typed; a plain unit says why typing
// does not reach it. Refusals exit with the codes other commands use.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAIN, procs } from '../helpers/cli.js';
import { hasTmux, Tmux } from '../helpers/tmux.js';
import { psJson, tempProject, type Proj } from '../control/helpers.js';
import { waitFor } from '../helpers/processes.js';

const SPEC = `version: 1
processes:
  # An interactive shell ignores SIGTERM; a hangup ends it, as closing its terminal would.
  sh:
    command: ["/bin/sh"]
    tty: true
    stop: { signal: SIGHUP }
  py:
    command: ["python3", "-i", "-q"]
    tty: true
  feed:
    command: ["/bin/sh", "-c", "while read line; do echo \\"got: $line\\"; done"]
    stdin: true
  plain:
    command: ["/bin/sh", "-c", "echo plain started; exec sleep 100000"]
`;

const skip = hasTmux ? false : 'tmux is not installed';

/**
 * `procs attach UNIT` on a terminal of its own, under bash, which says its exit status when it
 * exits (tmux now and then misses the exit of a pane's own command and leaves it a zombie).
 */
function attach(p: Proj, unit: string, cols = 100, rows = 30): Tmux {
  const argv = ['bash', '-c', '"$0" "$@"; echo "procs attach exited with $?"', process.execPath, MAIN, 'attach', unit];
  return new Tmux(argv, { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag, NO_COLOR: '1' }, cols, rows });
}

/** Waits until every unit of the project runs. */
async function allRunning(p: Proj): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await p.run(['ps', '--json']);
    if (r.code === 0 && (JSON.parse(r.stdout) as { units: { state: string }[] }).units.every((u) => u.state === 'running')) return;
    if (Date.now() > deadline) throw new Error(`the units are not all running: ${r.stdout}${r.stderr}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** Runs `body` against the project running detached (`up -d`) or in the foreground on a terminal of its own. */
async function withProject(mode: 'daemon' | 'foreground', body: (p: Proj, up?: Tmux) => Promise<void>): Promise<void> {
  const p = tempProject({ 'procs.yaml': SPEC });
  const terminals: Tmux[] = [];
  try {
    if (mode === 'daemon') {
      const up = await p.run(['up', '-d']);
      assert.equal(up.code, 0, up.stderr);
    } else {
      terminals.push(new Tmux([process.execPath, MAIN, 'up'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag }, cols: 132, rows: 43 }));
    }
    await allRunning(p);
    await body(p, terminals[0]);
  } finally {
    if (mode === 'foreground') await p.run(['down']);
    for (const t of terminals) t.kill();
    assert.equal(await p.cleanup(), 0, 'processes outlived the test');
  }
}

/** The REPL through attach: a value, Ctrl-C to the unit, detach while it runs on. */
async function driveRepl(p: Proj): Promise<void> {
  const t = attach(p, 'py');
  try {
    await t.waitFor(/attached to py \(tty 100×30\) — detach with Ctrl-P Ctrl-Q/);
    await t.waitFor(/>>> $/m);
    t.keys('6*7', 'Enter');
    await t.waitFor(/^42$/m);
    t.keys('import sys; print("isatty", sys.stdin.isatty(), sys.stdout.isatty())', 'Enter');
    await t.waitFor(/^isatty True True$/m);
    t.keys('C-c');
    await t.waitFor(/KeyboardInterrupt/);
    t.keys('print("alive", 1+2)', 'Enter');
    await t.waitFor(/^alive 3$/m);
    t.keys('C-p', 'C-q');
    await t.waitFor(/detached from py; it keeps running/);
    await t.waitFor(/^procs attach exited with 0$/m);
  } finally {
    t.kill();
  }
  const py = (await psJson(p)).units.find((u) => u.name === 'py');
  assert.equal(py?.state, 'running', 'the REPL runs on after the detach');
}

describe('procs attach', { skip }, () => {
  it('drives a Python REPL on a detached project: value, Ctrl-C, detach; it keeps running', async () => {
    await withProject('daemon', driveRepl);
  });

  it("drives a Python REPL on a foreground procs up in another terminal; without a client, the unit has up's terminal size", async () => {
    await withProject('foreground', async (p, up) => {
      await driveRepl(p);
      // Attached from a script (no terminal, so no size of its own): the size is procs up's, followed as it changes.
      const sizeSeen = async (re: RegExp): Promise<void> => {
        const deadline = Date.now() + 10_000;
        for (;;) {
          const r = await p.run(['attach', 'py']);
          if (re.test(r.stderr)) return;
          if (Date.now() > deadline) throw new Error(`no ${re} in: ${r.stderr}`);
        }
      };
      await sizeSeen(/attached to py \(tty 132×43\)/);
      up?.resize(140, 50);
      await sizeSeen(/attached to py \(tty 140×50\)/);
    });
  });

  it('gives a tty unit a terminal that follows resizes, and two clients both see output and reach it', async () => {
    await withProject('daemon', async (p) => {
      const a = attach(p, 'sh', 100, 30);
      const b = attach(p, 'sh', 90, 20);
      try {
        await a.waitFor(/attached to sh/);
        await b.waitFor(/attached to sh/);
        a.keys('test -t 0 && test -t 1 && echo "isatty $((40+2))"', 'Enter');
        await a.waitFor(/^isatty 42$/m);
        await b.waitFor(/^isatty 42$/m);
        b.keys('echo "from b $((1+1))"', 'Enter');
        await a.waitFor(/^from b 2$/m);
        await b.waitFor(/^from b 2$/m);
        // The latest client to attach or resize sizes the terminal.
        a.resize(111, 33);
        a.keys('echo "size $(tput cols)x$(tput lines)"', 'Enter');
        await a.waitFor(/^size 111x33$/m);
        a.keys('C-p', 'C-q');
        await a.waitFor(/detached from sh; it keeps running/);
        b.keys('echo "after a left: $(tput cols)x$(tput lines)"', 'Enter');
        await b.waitFor(/^after a left: 90x20$/m);
      } finally {
        a.kill();
        b.kill();
      }
    });
  });

  it('sends the lines typed to a stdin: true unit, and says why a plain unit takes none', async () => {
    await withProject('daemon', async (p) => {
      const feed = attach(p, 'feed');
      const plain = attach(p, 'plain');
      try {
        await feed.waitFor(/attached to feed \(stdin: each line typed goes to it\) — detach with Ctrl-C or Ctrl-D/);
        feed.keys('hello there', 'Enter');
        await feed.waitFor(/^got: hello there$/m);
        feed.keys('C-c');
        await feed.waitFor(/detached from feed; it keeps running/);
        await feed.waitFor(/^procs attach exited with 0$/m);
        await plain.waitFor(/attached to plain \(output only: it takes no input; set tty: true or stdin: true on it to type to it\)/);
        await plain.waitFor(/^plain started$/m);
        plain.keys('C-d');
        await plain.waitFor(/detached from plain; it keeps running/);
        await plain.waitFor(/^procs attach exited with 0$/m);
      } finally {
        feed.kill();
        plain.kill();
      }
    });
  });

  it('refuses an unknown unit (2), a unit that is not running (1), and a project that is not running (1)', async () => {
    const p = tempProject({ 'procs.yaml': SPEC });
    try {
      const none = await p.run(['attach', 'py']);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /procs attach: no procs project is running/);
      assert.equal((await p.run(['up', '-d'])).code, 0);
      const unknown = await p.run(['attach', 'pyy']);
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /no unit named 'pyy'; did you mean 'py'\?/);
      assert.equal((await p.run(['stop', 'plain'])).code, 0);
      const stopped = await p.run(['attach', 'plain']);
      assert.equal(stopped.code, 1);
      assert.match(stopped.stderr, /plain is not running \(stopped.*\); procs start plain starts it/);
      const usage = await p.run(['attach']);
      assert.equal(usage.code, 2);
      // Output only, from a script: the unit's recent and live output until a signal detaches.
      const watch = procs(['attach', '--no-stdin', 'feed'], { cwd: p.dir, env: { PROCS_TEST_TAG: p.tag } });
      await waitFor(() => watch.stderr.some((l) => /attached to feed \(output only: --no-stdin\) — detach with Ctrl-C/.test(l)), 'the attach', 10_000);
      watch.child.kill('SIGINT');
      assert.equal(await watch.exited, 0);
      assert.match(watch.stderr.join('\n'), /detached from feed; it keeps running/);
    } finally {
      assert.equal(await p.cleanup(), 0, 'processes outlived the test');
    }
  });
});
