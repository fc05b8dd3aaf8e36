// Serving a claimed project on its control socket: the controller and reconciler on the
// project, the control server on the socket (node:http loaded at its first client; mode 0600, in
// the 0700 `.procs/`), the fallback path recorded when the socket lives elsewhere, and, for a
// foreground `up`, the spec files watched.
// Closing stops serving and removes the socket, its recorded path and the pid file, in that order.
import { chmodSync } from 'node:fs';
import type { Server } from 'node:net';
import { join } from 'node:path';
import type { LoadResult } from '../config/index.js';
import type { ProjectRunner } from '../control/api.js';
import { writeRegularSync } from '../events/regular-file.js';
import type { Claim } from '../rundir/claim.js';
import { groupsFile } from '../rundir/orphans.js';
import type { ProcessHost } from '../proc/host.js';
import { Controller, type ControlledProject } from './controller.js';
import { removeFallbackDir } from '../rundir/paths.js';
import { unlinkQuietly } from '../rundir/pidlock.js';
import { SpecReconciler, type LoadSettings } from './reconciler.js';
import { createControlListener } from '../control/server.js';
import { watchSpecFiles } from './spec-watch.js';
import { DashboardHost } from './dashboard-host.js';

export interface HostOptions {
  readonly settings: LoadSettings;
  /** The load the project was started from (its files are watched). */
  readonly initial: LoadResult;
  /** Stops the whole project the way its runner does; resolves once every unit is gone. */
  readonly stopAll: (reason: string) => Promise<void>;
  /** Reload when the spec or env files change (a foreground `up`). */
  readonly watchSpec?: boolean;
  /** What serves the project, as `status` says: a foreground `up` or `run`, else the daemon. */
  readonly runner?: ProjectRunner;
  /** The runner calls `controller.begin()` once it has started the units; until then `status` waits. */
  readonly gated?: boolean;
}

export interface Host {
  readonly controller: Controller;
  readonly socketPath: string;
  /** Stops serving and removes the socket and pid files; safe to call more than once. */
  close(): Promise<void>;
}

/** Serves the project on the claimed socket. */
export async function serveProject(
  claim: Extract<Claim, { kind: 'claimed' }>,
  project: ControlledProject & { readonly processes: Pick<ProcessHost, 'recordGroupsIn'> },
  o: HostOptions,
): Promise<Host> {
  // The project's lock is ours: its running groups are recorded for the next procs.
  project.processes.recordGroupsIn(groupsFile(claim.paths.dir));
  const reconciler = new SpecReconciler(project, o.settings, o.initial);
  let stopWatching = (): void => undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopWatching();
      await dashboard.close();
      controller.endFeeds();
      control.close();
      unlinkQuietly(claim.socketPath);
      if (claim.fallback) {
        removeFallbackDir(claim.socketPath);
        unlinkQuietly(claim.paths.socketPathFile);
      }
      claim.release();
    })());
  const dashboard: DashboardHost = new DashboardHost(claim.paths, project, () => controller);
  const controller: Controller = new Controller(project, reconciler, {
    stopAll: o.stopAll,
    release: close,
    dashboard: (request) => dashboard.serve(request),
    ...(o.runner ? { runner: o.runner } : {}),
  });
  if (!o.gated) controller.begin();
  const control = createControlListener(controller);
  try {
    await listen(control.listener, claim.socketPath);
    chmodSync(claim.socketPath, 0o600);
    if (claim.fallback) writeRegularSync(claim.paths.socketPathFile, `${claim.socketPath}\n`);
  } catch (err) {
    await close();
    throw err;
  }
  if (o.watchSpec) {
    const reload = (): void => void controller.reload().catch(() => undefined); // errors are shown as a config-error event
    stopWatching = watchSpecFiles(() => [...reconciler.watchedFiles, join(project.spec.root, '.env')], reload);
  }
  return { controller, socketPath: claim.socketPath, close };
}

/** Binds the server to the socket path. */
function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
