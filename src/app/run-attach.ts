// `procs run --attach [UNIT…] -- CMD…`: CMD against the project that already runs (a daemon or
// a foreground `up`): wait through its control socket until the units are up, as `up --wait`
// does, run CMD with the project's environment, and leave the project running.
import type { Spec } from '../config/spec.js';
import { ControlError, type ControlApi, type Feed } from '../control/api.js';
import type { ProcsEvent } from '../events/types.js';
import { ControlClient } from '../control/client.js';
import { projectPaths, recordedSocketPath } from '../rundir/paths.js';
import { livePid } from '../rundir/pidlock.js';
import { EXIT } from './exit-codes.js';
import { whenServing } from './locate.js';
import type { Terminal } from './options.js';
import { createHost } from '../proc/create-host.js';
import { commandEnv, Interrupts, type RunRequest } from './run-command.js';
import { oneShotSteps, waitForUnits, type WaitVerdict } from './wait.js';

const LAST_LINES = 10;

/** Runs CMD against the running project; exit 2 when none runs (nothing was started). */
export async function runAttached(spec: Spec, selected: readonly string[], r: RunRequest, t: Terminal): Promise<number> {
  const interrupts = new Interrupts((sig, command) => {
    if (command !== '') t.err.write(`procs: ${sig} again: killing ${command} now (the project keeps running)\n`);
  }, t.err);
  let client: FeedsClient | undefined;
  try {
    client = await runningProject(spec);
    if (client === undefined) {
      t.err.write(`procs run: no procs project is running in ${spec.root}; nothing was started\n  without --attach, procs run starts the units itself\n`);
      return EXIT.usage;
    }
    const verdict = await Promise.race([waitForUnits(client, selected, r.timeoutMs, oneShotSteps(spec)), interrupts.received]);
    // Interrupted while waiting: the run was cut short, which is not a success.
    if (typeof verdict === 'string' || interrupts.first !== undefined) return interrupts.status;
    if (verdict.kind !== 'ready') return await reportNotReady(verdict, client, t);
    return await interrupts.runCommand(r.cmd, commandEnv(spec), createHost({ guardian: true }));
  } finally {
    interrupts.off();
    client?.closeFeeds();
  }
}

/** A client whose event feeds can be closed from outside: a wait cut short by a signal leaves none open. */
class FeedsClient extends ControlClient {
  readonly #feeds = new Set<Feed>();

  override events(onEvent: (e: ProcsEvent) => void): Feed {
    const feed = super.events(onEvent);
    this.#feeds.add(feed);
    void feed.ended.then(() => this.#feeds.delete(feed));
    return feed;
  }

  closeFeeds(): void {
    for (const feed of this.#feeds) feed.close();
    this.#feeds.clear();
  }
}

/** A client for the project when a procs runs it; undefined when none does. */
async function runningProject(spec: Spec): Promise<FeedsClient | undefined> {
  const paths = projectPaths(spec.root);
  const client = new FeedsClient(recordedSocketPath(paths), paths.root);
  try {
    await client.status();
    return client;
  } catch (err) {
    if (!(err instanceof ControlError) || err.code !== 'not-running') throw err;
  }
  // Held but not answering yet: a daemon still starting.
  const pid = livePid(paths.pid);
  if (pid === undefined) return undefined;
  if (!(await whenServing(paths, pid)))
    throw new ControlError('not-running', `another procs (pid ${pid}) holds ${paths.root} but does not answer on its socket`);
  return client;
}

/** Says why the wait failed, with the last lines of the units concerned; exit 1. */
async function reportNotReady(v: Exclude<WaitVerdict, { kind: 'ready' }>, api: ControlApi, t: Terminal): Promise<number> {
  const lines = [`procs run: ${v.reason}; the command did not run`];
  const units = v.units.slice(0, 5);
  const tails = units.length === 0 ? [] : (await api.tail(units, LAST_LINES).catch(() => ({ units: [] }))).units;
  for (const t of tails) {
    if (t.lines.length === 0) continue;
    lines.push(`last lines of ${t.unit}:`, ...t.lines.map((l) => `  ${t.unit} | ${l.text}`));
  }
  t.err.write(`${lines.join('\n')}\n`);
  return EXIT.failed;
}
