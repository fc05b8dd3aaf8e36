// Units on a pseudo-terminal (`tty: true`) and with a stdin pipe (`stdin: true`), through the
// compiled terminal helper and the python3 one, on whichever host this run uses (the suite also
// runs with PROCS_SPAWNER=node); and FORCE_COLOR for units whose lines go to a coloured terminal.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { ProcessUnit } from '../../src/config/spec.js';
import { createHost } from '../../src/proc/create-host.js';
import { createRealDriver } from '../../src/proc/real-driver.js';
import type { SpawnedUnit } from '../../src/proc/spawn.js';
import type { UnitInput } from '../../src/proc/unit-input.js';
import { useProcessTracker, waitFor, within } from '../helpers/processes.js';
import { CollectingSink } from '../helpers/sink.js';
import { baseEnv, fx, pipelineUnit, processUnit, sh } from '../helpers/units.js';

const host = createHost({ guardian: true });
const tracker = useProcessTracker();
const QUICK_STOP = { signal: 'SIGTERM' as const, timeoutMs: 5000 };

const ISATTY = 'for fd in 0 1 2; do if [ -t $fd ]; then echo "$fd:tty"; else echo "$fd:no"; fi; done';

// The text a unit wrote, without the carriage returns a terminal adds before each newline.
const plain = (sink: CollectingSink, unit: string): string => sink.text(unit).replaceAll('\r\n', '\n');

// Runs a unit to its end; gives the sink and the unit.
async function run(unit: ProcessUnit, opts: { color?: boolean } = {}): Promise<{ sink: CollectingSink; spawned: SpawnedUnit }> {
  const sink = new CollectingSink();
  const spawned = tracker.add(host.spawnUnit(unit, sink, opts));
  await within(spawned.exited, 60_000, `${unit.name} to end`);
  await within(spawned.outputDone, 60_000, `${unit.name}'s output to end`);
  return { sink, spawned };
}

// The live processes (zombies aside) whose command line holds `marker`: the helper's relay among them.
function holdersOf(marker: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function readlinkQuiet(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

const helpers = [
  ['compiled', undefined],
  ['python3', 'python'],
] as const;

for (const [helperName, helperEnv] of helpers) {
  describe(`tty: true (${helperName} helper, ${host.backend} host)`, () => {
    const saved = process.env.PROCS_TTY_HELPER;
    const useHelper = (): void => {
      if (helperEnv === undefined) delete process.env.PROCS_TTY_HELPER;
      else process.env.PROCS_TTY_HELPER = helperEnv;
    };
    after(() => {
      if (saved === undefined) delete process.env.PROCS_TTY_HELPER;
      else process.env.PROCS_TTY_HELPER = saved;
    });

    it('runs the unit on a terminal: isatty on 0, 1 and 2; a unit without tty has none', async () => {
      useHelper();
      const onTty = await run(processUnit('t', sh(ISATTY), { tty: true }));
      assert.equal(plain(onTty.sink, 't'), '0:tty\n1:tty\n2:tty\n');
      assert.deepEqual([...new Set(onTty.sink.batches.map((b) => b.stream))], ['stdout']);
      const without = await run(processUnit('p', sh(ISATTY)));
      assert.equal(without.sink.text('p'), '0:no\n1:no\n2:no\n');
    });

    it('gives the terminal 120x40 by default and follows a resize (SIGWINCH)', async () => {
      useHelper();
      const sink = new CollectingSink();
      const unit = tracker.add(host.spawnUnit(processUnit('w', fx('winsize.js'), { tty: true, stop: QUICK_STOP }), sink));
      await sink.waitFor(() => plain(sink, 'w').includes('size 120x40\n'), 'the first size');
      const input = unit.input as UnitInput;
      assert.equal(input.tty, true);
      input.resize({ cols: 91, rows: 17 });
      await sink.waitFor(() => plain(sink, 'w').includes('size 91x17\n'), 'the new size');
      await host.stopUnit(unit, QUICK_STOP);
    });

    it('types keystrokes into the terminal and keeps the raw output, colours and all', async () => {
      useHelper();
      const sink = new CollectingSink();
      const script = 'read line; printf "\\033[31mgot %s\\033[0m\\n" "$line"';
      const unit = tracker.add(host.spawnUnit(processUnit('k', sh(script), { tty: true }), sink));
      const input = unit.input as UnitInput;
      const raw: Buffer[] = [];
      input.onOutput((chunk) => raw.push(chunk));
      assert.equal(input.write(Buffer.from('hello\r')), true);
      await within(unit.outputDone, 60_000, 'the unit to answer and end');
      const all = Buffer.concat(raw).toString();
      assert.ok(all.includes('\x1b[31mgot hello\x1b[0m'), `colours kept in ${JSON.stringify(all)}`);
      assert.ok(input.recent().toString().includes('\x1b[31mgot hello'));
      await within(input.closed, 10_000, 'the input to close');
      assert.equal(input.write(Buffer.from('late')), false);
    });

    it('runs a pipeline’s last step on the terminal, its stdin still the pipe from the step before', async () => {
      useHelper();
      const sink = new CollectingSink();
      const first = 'if [ -t 1 ]; then echo first:tty; else echo first:pipe; fi';
      const last = 'if [ -t 0 ]; then echo in:tty; else echo in:pipe; fi; [ -t 1 ] && echo out:tty; [ -t 2 ] && echo err:tty; stty size </dev/tty; cat';
      const unit = tracker.add(host.spawnPipeline(pipelineUnit('pl', [sh(first), sh(last)], { tty: true }), sink));
      const exit = await within(unit.exited, 60_000, 'the pipeline to end');
      await within(unit.outputDone, 60_000, 'its output to end');
      assert.equal(exit.status, 0);
      assert.equal(plain(sink, 'pl'), 'in:pipe\nout:tty\nerr:tty\n40 120\nfirst:pipe\n');
      assert.equal((unit.input as UnitInput).tty, true);
    });

    it('sends Ctrl-C typed into the terminal to the unit as SIGINT', async () => {
      useHelper();
      const sink = new CollectingSink();
      const script = 'trap "echo interrupted; exit 0" INT; echo ready; while :; do sleep 1; done';
      const unit = tracker.add(host.spawnUnit(processUnit('c', sh(script), { tty: true, stop: QUICK_STOP }), sink));
      await sink.waitFor(() => plain(sink, 'c').includes('ready\n'), 'the unit to start');
      (unit.input as UnitInput).write(Buffer.from([3]));
      const exit = await within(unit.exited, 10_000, 'the unit to end on SIGINT');
      assert.equal(exit.code, 0);
      await within(unit.outputDone, 10_000, 'the output to end');
      assert.match(plain(sink, 'c'), /ready\n(\^C)?interrupted\n/);
    });

    it('loses no output of a unit that writes and exits at once, and finds no leftover: the relay is none', async () => {
      useHelper();
      // The relay once died now and then of the hangup of a program that exited before it left the group.
      for (let i = 0; i < (helperEnv === undefined ? 60 : 15); i++) {
        const sink = new CollectingSink();
        const unit = tracker.add(host.spawnUnit(processUnit('o', sh('[ -t 1 ] && echo on-tty; seq 1 2000'), { tty: true }), sink));
        await within(unit.exited, 60_000, 'the unit to end');
        const { found } = await host.reapLeftovers(unit, QUICK_STOP);
        assert.equal(found, false, 'nothing left behind');
        await within(unit.outputDone, 10_000, 'the output to end');
        assert.equal(plain(sink, 'o').split('\n').length, 2002, 'every line, the last one included');
        assert.ok(plain(sink, 'o').startsWith('on-tty\n1\n'), 'written on a terminal');
      }
    });

    it('leaves the relay holding none of the unit’s pipes but its output: a pipeline’s step stderr pipes end with the steps', async () => {
      useHelper();
      const sink = new CollectingSink();
      const marker = `tty-fds-${helperName}-${process.pid}`;
      const steps = [sh(`echo ready; sleep 600; : ${marker}`), sh(`cat; : ${marker}`)];
      const unit = tracker.add(host.spawnPipeline(pipelineUnit('f', steps, { tty: true, stop: QUICK_STOP }), sink));
      await sink.waitFor(() => plain(sink, 'f').includes('ready\n'), 'the pipeline to start');
      const group = unit.pgid;
      const relays = holdersOf(marker).filter((pid) => Number(/\) \S+ \d+ (\d+)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1]) !== group);
      assert.equal(relays.length, 1, 'one relay, out of the unit’s group');
      const relay = relays[0] ?? 0;
      const fds = readdirSync(`/proc/${relay}/fd`).map(Number);
      const targets = fds.map((fd) => readlinkQuiet(`/proc/${relay}/fd/${fd}`));
      assert.equal(targets[fds.indexOf(0)], '/dev/null');
      assert.equal(targets[fds.indexOf(2)], '/dev/null');
      assert.equal(fds.filter((fd) => fd >= 3).length, 2, `the terminal and the control pipe only: ${targets.join(', ')}`);
      await host.stopUnit(unit, QUICK_STOP);
      await within(unit.outputDone, 10_000, 'the output to end');
    });

    it('leaves no process when stopped: the program, its group and the relay are gone', async () => {
      useHelper();
      const sink = new CollectingSink();
      const marker = `tty-stop-${helperName}-${process.pid}`;
      const unit = tracker.add(host.spawnUnit(processUnit('s', sh(`echo ready; sleep 600; : ${marker}`), { tty: true, stop: QUICK_STOP }), sink));
      await sink.waitFor(() => plain(sink, 's').includes('ready\n'), 'the unit to start');
      assert.ok(holdersOf(marker).length >= 2, 'the program and the relay run');
      const { forced } = await host.stopUnit(unit, QUICK_STOP);
      assert.equal(forced, false);
      await within(unit.outputDone, 10_000, 'the output to end');
      await waitFor(() => holdersOf(marker).length === 0, 'the relay to end', 10_000);
    });
  });
}

describe(`stdin: true (${host.backend} host)`, () => {
  it('gives the unit a stdin pipe that UnitInput.write feeds', async () => {
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnUnit(processUnit('in', fx('echo-stdin.js'), { stdin: true, stop: QUICK_STOP }), sink));
    const input = unit.input as UnitInput;
    assert.equal(input.tty, false);
    assert.equal(input.write(Buffer.from('first line\nsecond ')), true);
    input.write(Buffer.from('line\n'));
    await sink.waitFor(() => sink.text('in') === 'first line\nsecond line\n', 'the lines echoed');
    assert.equal(input.recent().toString(), 'first line\nsecond line\n');
    await host.stopUnit(unit, QUICK_STOP);
  });

  it('feeds a pipeline’s first step', async () => {
    const sink = new CollectingSink();
    const unit = tracker.add(host.spawnPipeline(pipelineUnit('pin', [sh("sed -u 's/^/> /'"), fx('echo-stdin.js')], { stdin: true, stop: QUICK_STOP }), sink));
    (unit.input as UnitInput).write(Buffer.from('shout\n'));
    await sink.waitFor(() => sink.text('pin') === '> shout\n', 'the line through both steps');
    await host.stopUnit(unit, QUICK_STOP);
  });

  it('keeps /dev/null as stdin without it, and gives no input', async () => {
    const { sink, spawned } = await run(processUnit('null', sh('readlink /proc/self/fd/0')));
    assert.equal(sink.text('null'), '/dev/null\n');
    assert.equal(spawned.input, undefined);
  });
});

describe('a unit on a terminal without a helper', () => {
  it('fails to start, saying what is missing', async () => {
    const saved = process.env.PROCS_TTY_HELPER;
    process.env.PROCS_TTY_HELPER = 'none';
    try {
      const { spawned } = await run(processUnit('t', sh('true'), { tty: true }));
      const exit = await spawned.exited;
      assert.match(exit.error ?? '', /tty: true needs the terminal helper .*procs-tty .* or python3/);
    } finally {
      if (saved === undefined) delete process.env.PROCS_TTY_HELPER;
      else process.env.PROCS_TTY_HELPER = saved;
    }
  });
});

describe('colours for units that write to a coloured terminal', () => {
  const env = (over: Partial<ProcessUnit> = {}, opts: { color?: boolean } = {}) =>
    run(processUnit('e', fx('env.js', 'FORCE_COLOR', 'TERM'), over), opts).then(({ sink }) => JSON.parse(plain(sink, 'e')) as Record<string, string | null>);

  it('gives FORCE_COLOR=1 when procs writes to a coloured terminal, not otherwise', async () => {
    assert.equal((await env({}, { color: true })).FORCE_COLOR, '1');
    assert.equal((await env({}, { color: false })).FORCE_COLOR, null);
    assert.equal((await env({}, {})).FORCE_COLOR, null);
  });

  it('leaves FORCE_COLOR out with color: false, and leaves FORCE_COLOR or NO_COLOR the spec sets alone', async () => {
    assert.equal((await env({ noColor: true }, { color: true })).FORCE_COLOR, null);
    assert.equal((await env({ env: baseEnv({ FORCE_COLOR: '0' }) }, { color: true })).FORCE_COLOR, '0');
    assert.equal((await env({ env: baseEnv({ NO_COLOR: '1' }) }, { color: true })).FORCE_COLOR, null);
  });

  it('gives a unit on a terminal TERM=xterm-256color unless its env sets TERM, and no FORCE_COLOR', async () => {
    assert.deepEqual(await env({ tty: true }, { color: true }), { FORCE_COLOR: null, TERM: 'xterm-256color' });
    assert.deepEqual(await env({ tty: true, env: baseEnv({ TERM: 'vt100' }) }, { color: true }), { FORCE_COLOR: null, TERM: 'vt100' });
  });
});

describe('createRealDriver with terminal hooks', () => {
  it('asks the window size before a tty unit starts and hands over each run’s input', async () => {
    const sink = new CollectingSink();
    const asked: string[] = [];
    const started: [string, UnitInput | undefined][] = [];
    const driver = createRealDriver({
      sink,
      host,
      terminals: {
        size: (unit) => (asked.push(unit), { cols: 77, rows: 22 }),
        started: (unit, input) => started.push([unit, input]),
      },
    });
    const tty = driver.start(processUnit('a', sh('stty size'), { tty: true }));
    const none = driver.start(processUnit('b', sh('true')));
    for (const p of [tty, none]) tracker.add(p as SpawnedUnit);
    await within(Promise.all([(tty as SpawnedUnit).outputDone, (none as SpawnedUnit).outputDone]), 60_000, 'both units to end');
    assert.deepEqual(asked, ['a']);
    assert.deepEqual(
      started.map(([u, i]) => [u, i?.tty]),
      [
        ['a', true],
        ['b', undefined],
      ],
    );
    assert.equal(plain(sink, 'a'), '22 77\n');
  });
});
