// The control socket of a foreground `up`: the same API as the daemon's, so `ps`, `logs`,
// `stop`, `restart`, `scale`, `reload` and `down` work from another terminal, plus a reload
// whenever the spec or env files change. A foreground run also stays while units are stopped
// on request, so `procs stop web` followed by `procs start web` does not end it.
import type { ParsedArgs } from '../cli/args.js';
import { parseFormation } from '../cli/load.js';
import type { Project } from '../cli/project.js';
import type { LoadResult } from '../config/index.js';
import type { Claim } from './claim.js';
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

/** Serves the claimed project's socket for a foreground run. */
export async function serveForeground(claim: Extract<Claim, { kind: 'claimed' }>, project: Project, result: LoadResult, args: ParsedArgs): Promise<ForegroundControl> {
  let stopAll = async (_reason: string): Promise<void> => project.supervisor.stopAll();
  const host: Host = await serveProject(claim, project, {
    settings: loadSettings(args, result),
    initial: result,
    stopAll: (reason) => stopAll(reason),
    watchSpec: true,
  });
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

/** Resolves on the project's next event. */
function nextEvent(project: Project): Promise<void> {
  return new Promise((resolve) => {
    const off = project.bus.subscribe(() => {
      off();
      resolve();
    });
  });
}
