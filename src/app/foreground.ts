// The control socket of a foreground `up`: the same API as the daemon's, so `ps`, `logs`,
// `stop`, `restart`, `scale`, `reload` and `down` work from another terminal, plus a reload
// whenever the spec or env files change. A foreground run also stays while units are stopped
// on request, so `procs stop web` followed by `procs start web` does not end it.
import type { Writable } from 'node:stream';
import type { Project } from './project.js';
import type { LoadResult } from '../config/index.js';
import type { PortBook } from '../proc/port-book.js';
import { autoPorts } from './load.js';
import { claimProject, type Claim } from '../rundir/claim.js';
import { describeOrphans } from '../rundir/orphans.js';
import { claimSpareLock } from '../rundir/spare-lock.js';
import { serveProject, type Host } from './host.js';
import type { LoadSettings } from './reconciler.js';
import type { ControlApi } from '../control/api.js';

export interface ForegroundControl {
  /** Gives the runner's way of stopping everything (as Ctrl-C does), which `down` uses. */
  bindStop(stop: (reason: string) => Promise<void>): void;
  /** Resolves when the run may end: the supervisor is idle and no unit is held stopped on request. */
  idle(stopping: () => boolean): Promise<void>;
  /** Stops serving and removes the socket and pid files. */
  close(): Promise<void>;
  /** The project's web dashboard (`up --ui`). */
  readonly dashboard: ControlApi['dashboard'];
}

/** How a command line reads the spec (its `-m` counts, `formation`), kept for reloads. */
export function loadSettings(formation: Readonly<Record<string, number>> | undefined, result: LoadResult, ports?: PortBook): LoadSettings {
  return { cwd: process.cwd(), files: result.files, env: { ...process.env }, formation: { ...formation }, ...autoPorts(ports) };
}

/** A foreground claim: the project's, none (no socket, but the spare lock held), or a refusal to run. */
export type ForegroundClaim = Claim | { readonly kind: 'refused'; readonly message: string } | undefined;

/**
 * Claims the project for a foreground run. When `.procs/` cannot be written (a read-only or full
 * folder, another owner) the run goes on without a control socket, and says so, holding the
 * spare lock instead (spare-lock.ts): undefined then. When that lock is held too, or cannot be
 * taken either, the run is refused: two runs of one project never both go on.
 */
export async function claimForeground(root: string, out: Writable): Promise<ForegroundClaim> {
  try {
    const claim = await claimProject(root);
    if (claim.kind === 'claimed' && claim.orphans.length > 0) out.write(`procs: ${describeOrphans(claim.orphans)}\n`);
    return claim;
  } catch (err) {
    return claimSpare(root, err instanceof Error ? err : new Error(String(err)), out);
  }
}

/** Takes the spare lock for a run that could not claim `.procs/`, or refuses the run. */
function claimSpare(root: string, why: Error, out: Writable): ForegroundClaim {
  let lock;
  try {
    lock = claimSpareLock(root);
  } catch (err) {
    return { kind: 'refused', message: `${why.message}; and no lock elsewhere either: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (lock.kind === 'held')
    return { kind: 'refused', message: `another procs (pid ${lock.pid}) runs this project without a control socket; not starting a second one` };
  process.once('exit', () => lock.release());
  withoutSocket(why, out);
  return undefined;
}

/**
 * Serves the claimed project's socket for a foreground run (undefined without one). `watchSpec`
 * (on unless false) reloads the project when its spec or env files change; `runner` (`up`
 * unless given) is what `status` says serves it; `formation` is the
 * command line's `-m` counts, and `out` is told when the run goes on without a socket.
 */
export async function serveForeground(
  claim: Extract<Claim, { kind: 'claimed' }> | undefined,
  project: Project,
  result: LoadResult,
  formation: Readonly<Record<string, number>> | undefined,
  out: Writable,
  o: { readonly watchSpec?: boolean; readonly runner?: 'up' | 'run' } = {},
): Promise<ForegroundControl | undefined> {
  if (!claim) return undefined;
  let stopAll = async (_reason: string): Promise<void> => project.supervisor.stopAll();
  let host: Host;
  try {
    host = await serveProject(claim, project, {
      settings: loadSettings(formation, result, project.ports),
      initial: result,
      stopAll: (reason) => stopAll(reason),
      watchSpec: o.watchSpec !== false,
      runner: o.runner ?? 'up',
    });
  } catch (err) {
    withoutSocket(err, out);
    return undefined;
  }
  return {
    bindStop(stop) {
      stopAll = stop;
    },
    async idle(stopping) {
      for (;;) {
        await project.supervisor.idle();
        if (stopping() || !host.controller.holdsOpen()) return;
        await nextEvent(project);
      }
    },
    close: () => host.close(),
    dashboard: (request) => host.controller.dashboard(request),
  };
}

/** Says that this run has no control socket, and why. */
function withoutSocket(err: unknown, out: Writable): void {
  const why = err instanceof Error ? err.message : String(err);
  out.write(`procs: no control socket for this run (${why}); ps, logs -f, stop, down… from another terminal will not reach it\n`);
}

/** Resolves on the project's next event. */
function nextEvent(project: Project): Promise<void> {
  return new Promise((resolve) => {
    const off = project.bus.subscribe(() => {
      off();
      resolve();
    });
  });
}
