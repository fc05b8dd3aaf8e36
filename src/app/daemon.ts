// The daemon `up -d` starts (detach.ts): runs the project in its own session until `procs down`,
// SIGTERM or SIGINT; SIGHUP reloads. Its stderr is procs.log; what it says goes there.
import { Writable } from 'node:stream';
import { claimProject } from '../rundir/claim.js';
import { EventTextRenderer } from '../output/events-text.js';
import { daemonLog, parentReporter } from './detach.js';
import { EXIT } from './exit-codes.js';
import { loadSettings } from './foreground.js';
import { serveProject } from './host.js';
import { PortBook } from '../proc/port-book.js';
import { loadProjectSpec, printDiagnostics } from './load.js';
import type { UpOptions } from './options.js';
import { createProject, watchSettings } from './project.js';
import { selectUnits } from './select.js';
import { onShutdownSignals } from './signals.js';

/** Runs the daemon; `stderr` is the daemon's own (procs.log). Returns once the project has stopped. */
export async function daemonMain(o: UpOptions, stderr: Writable): Promise<number> {
  const report = parentReporter();
  const ports = new PortBook();
  const result = await loadProjectSpec(o.spec, ports);
  printDiagnostics(result.diagnostics, stderr);
  if (!result.spec) {
    report({ error: 'the spec has errors', code: EXIT.usage });
    return EXIT.usage;
  }
  const spec = result.spec;
  const names = selectUnits(spec, o.units, o.profiles);
  const claim = await claimProject(spec.root).catch((err: unknown) => {
    report({ error: `cannot take ${spec.root}/.procs: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.failed });
    throw err;
  });
  if (claim.kind === 'held') {
    ports.close();
    report({ held: claim.pid });
    return EXIT.ok;
  }
  const log = daemonLog(claim.paths, stderr);
  const project = createProject({
    spec,
    out: discard(),
    err: log.stream,
    json: false,
    color: false,
    watch: watchSettings(o.watch, o.units, names),
    ports,
    profiles: o.profiles,
  });
  project.bus.subscribe(new EventTextRenderer(log.stream, { names: spec.units.map((u) => u.name) }).event);
  let stopping: Promise<void> | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const stopAll = (reason: string): Promise<void> => {
    if (stopping) return stopping;
    project.bus.publish({ type: 'stop', unit: 'procs', reason, state: 'stopping' });
    stopping = project.supervisor.stopAll();
    void project.watch.close();
    void stopping.then(markStopped);
    return stopping;
  };
  const host = await serveProject(claim, project, { settings: loadSettings(o.spec.formation, result, ports), initial: result, stopAll, gated: true }).catch(
    async (err: unknown) => {
      claim.release();
      report({ error: `cannot serve the control socket: ${err instanceof Error ? err.message : String(err)}`, code: EXIT.failed });
      await project.close();
      throw err;
    },
  );
  // A second SIGTERM or SIGINT asks for nothing more: the stop under way goes on.
  onShutdownSignals({ graceful: (sig) => void stopAll(`${sig} received`), hangup: () => void host.controller.reload().catch(() => undefined) });
  process.on('uncaughtException', (err) => {
    stderr.write(`procs: internal error: ${err.stack ?? err.message}\n`);
    project.supervisor.killAll();
    void host.close().finally(() => process.exit(EXIT.internal));
  });
  // Said before any unit or build is spawned, so none inherits the report pipe.
  report({ ok: true, pid: process.pid, socket: host.socketPath, ...(claim.orphans.length > 0 ? { orphans: claim.orphans } : {}) });
  try {
    // Rules watch (their first scans over) and `initial: true` runs build before the units start;
    // `up -d` returns once they have started.
    project.begin('daemon');
    if (await project.watch.start()) await project.watch.started;
    await project.prepare();
    if (!stopping) project.supervisor.start(names, { noDeps: o.noDeps });
  } finally {
    host.controller.begin();
  }
  await stopped;
  await project.watch.close();
  await host.controller.settled(); // a `down` request is answered before the daemon goes
  await host.close();
  await project.close();
  await log.close();
  setTimeout(() => process.exit(EXIT.ok), 3000).unref(); // nothing should keep it, but never linger
  return EXIT.ok;
}

/** A stream that drops what it is given: the daemon keeps unit output in the log files only. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _enc, done) => done() });
}
