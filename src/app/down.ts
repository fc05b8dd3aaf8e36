// `procs down [--timeout D]`: stop every unit and the project's procs; returns once every unit
// is gone and the socket and pid files are removed. A procs that holds the project but does not
// answer yet (an `up -d` starting) is waited for, then stopped.
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { ControlError } from '../control/api.js';
import { answerTimeout, ControlClient } from '../control/client.js';
import { describeOrphans, endOrphansOf } from '../rundir/orphans.js';
import { recordedSocketPath, type ProjectPaths } from '../rundir/paths.js';
import { livePid, unlinkQuietly } from '../rundir/pidlock.js';
import { printable } from '../base/printable.js';
import type { ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import { killedText } from '../output/phrases.js';
import { EXIT } from './exit-codes.js';
import { clientFor, whenServing } from './locate.js';

/** Stops the project of `files` (each unit within `timeoutMs` when given); says what it did on `out`. */
export async function downProject(files: readonly string[], timeoutMs: number | undefined, out: Writable): Promise<number> {
  const { client, paths } = clientFor(files);
  const started = Date.now();
  let stopped = 0;
  const onEvent = (e: ProcsEvent): void => {
    if (e.type !== 'stop' || e.state !== 'stopped' || e.unit === 'procs') return;
    stopped += 1;
    if (e.forced) out.write(`${e.unit}: ${killedText(e.atOnce)}\n`);
  };
  const req = timeoutMs === undefined ? {} : { timeoutMs };
  try {
    await client.down(req, onEvent);
  } catch (err) {
    if (!(err instanceof ControlError) || err.code !== 'not-running') throw err;
    // No socket yet, but a procs holds the project: it is starting. Stop it once it answers.
    const holder = livePid(paths.pid);
    if (holder === undefined) {
      // Nothing answers and nothing holds the project: units a killed procs left behind are still ended.
      const ended = await endOrphansOf(paths);
      if (!ended?.length) throw err;
      out.write(`down: ${client.root}: ${describeOrphans(ended)}\n`);
      return EXIT.ok;
    }
    const starting = await whenStarting(paths, holder, out);
    if (starting === 'gone') throw err;
    if (starting === 'killed') {
      out.write(`down: ${client.root} (the procs that was starting, pid ${holder}, did not answer; stopped it with SIGTERM)\n`);
      return EXIT.ok;
    }
    await new ControlClient(recordedSocketPath(paths), client.root).down(req, onEvent);
  }
  const units = `${stopped} ${stopped === 1 ? 'unit' : 'units'}`;
  out.write(`down: ${printable(client.root)} (${units} stopped in ${formatDuration(Date.now() - started)})\n`);
  return EXIT.ok;
}

/**
 * Waits, bounded by the client timeout, for the procs `pid` that holds the project but has no
 * socket yet: `serving` once it answers, `gone` if it exits first; one that does not answer in
 * time gets SIGTERM (it has not started a unit: that comes after its socket), then `killed`.
 */
async function whenStarting(paths: ProjectPaths, pid: number, out: Writable): Promise<'serving' | 'gone' | 'killed'> {
  const bound = answerTimeout();
  out.write(`down: waiting for the procs that is starting (pid ${pid})…\n`);
  if (await whenServing(paths, pid, bound)) return 'serving';
  if (livePid(paths.pid) !== pid) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + bound;
  while (livePid(paths.pid) === pid && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (livePid(paths.pid) === pid)
    throw new ControlError('no-answer', `the procs starting in ${paths.root} (pid ${pid}) neither answered nor stopped on SIGTERM`);
  // It ended before it could remove its pid file: that file is stale now.
  if (readPid(paths.pid) === pid) unlinkQuietly(paths.pid);
  return 'killed';
}

/** The number in a pid file, or undefined. */
function readPid(file: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
}
