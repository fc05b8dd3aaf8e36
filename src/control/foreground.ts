// The control socket of a foreground `up`: the same API as the daemon's, so `ps`, `logs`,
// `stop`, `restart`, `scale`, `reload` and `down` work from another terminal, plus a reload
// whenever the spec or env files change. A foreground run also stays while units are stopped
// on request, so `procs stop web` followed by `procs start web` does not end it.
import type { ParsedArgs } from '../cli/args.js';
import { parseFormation } from '../cli/load.js';
import type { Project } from '../cli/project.js';
import type { LoadResult } from '../config/index.js';
import { claimProject, type Claim } from './claim.js';
import { describeOrphans } from './orphans.js';
import { serveProject, type Host } from './host.js';
import type { LoadSettings } from './reconciler.js';

export interface ForegroundControl {
  /** Gives the runner's way of stopping everything (as Ctrl-C does), which `down` uses. */
  bindStop(stop: (reason: string) => Promise<void>): void;
  /** Resolves when the run may end: the supervisor is idle and no unit is held stopped on request. */
  idle(stopping: () => boolean): Promise<void>;
  /** Stops serving and removes the socket and pid files. */
  close(): Promise<void>;
}

/** How a command line reads the spec, kept for reloads. */
export function loadSettings(args: ParsedArgs, result: LoadResult): LoadSettings {
  const m = args.flags.formation;
  return { cwd: process.cwd(), files: result.files, env: { ...process.env }, formation: parseFormation(typeof m === 'object' ? m : []) };
}

/**
 * Claims the project for a foreground run. When `.procs/` cannot be used (a read-only folder,
 * another owner) the run goes on without a control socket, and says so: undefined then.
 */
export async function claimForeground(root: string): Promise<Claim | undefined> {
  try {
    const claim = await claimProject(root);
    if (claim.kind === 'claimed' && claim.orphans.length > 0) process.stderr.write(`procs: ${describeOrphans(claim.orphans)}\n`);
    return claim;
  } catch (err) {
    withoutSocket(err);
    return undefined;
  }
}

/** Serves the claimed project's socket for a foreground run (undefined without one). */
export async function serveForeground(claim: Extract<Claim, { kind: 'claimed' }> | undefined, project: Project, result: LoadResult, args: ParsedArgs): Promise<ForegroundControl | undefined> {
  if (!claim) return undefined;
  let stopAll = async (_reason: string): Promise<void> => project.supervisor.stopAll();
  let host: Host;
  try {
    host = await serveProject(claim, project, { settings: loadSettings(args, result), initial: result, stopAll: (reason) => stopAll(reason), watchSpec: true });
  } catch (err) {
    withoutSocket(err);
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
  };
}

/** Says that this run has no control socket, and why. */
function withoutSocket(err: unknown): void {
  const why = err instanceof Error ? err.message : String(err);
  process.stderr.write(`procs: no control socket for this run (${why}); ps, logs -f, stop, down… from another terminal will not reach it\n`);
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
