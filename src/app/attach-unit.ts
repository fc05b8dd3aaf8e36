// `attach` on the running project (the server's side of `procs attach`): the unit named, checked
// (a pool names its instances; a unit that has stopped is refused with how to start it), then
// attached through the project's Terminals.
import { ControlError, type AttachClient, type AttachSession } from '../control/api.js';
import type { Spec } from '../config/spec.js';
import { ENDED_STATES } from '../events/types.js';
import type { WindowSize } from '../proc/unit-input.js';
import type { UnitStatus } from '../runtime/supervisor.js';
import { resolveUnits } from './names.js';
import type { Terminals } from './terminals.js';

export interface AttachTarget {
  readonly spec: Spec;
  readonly supervisor: { status(): readonly UnitStatus[] };
  readonly terminals?: Terminals;
}

/**
 * Attaches `client` to `unit` of `project`. `track` registers the session's end with the
 * project's feeds (ended with them when the project goes away) and returns the function that
 * forgets it.
 */
export function attachUnit(
  project: AttachTarget,
  unit: string,
  client: AttachClient,
  size: WindowSize | undefined,
  track: (end: () => void) => () => void,
): AttachSession {
  let finish!: () => void;
  const ended = new Promise<void>((resolve) => (finish = resolve));
  try {
    const terminals = project.terminals;
    if (!terminals) throw new ControlError('internal', 'this project does not take attach requests');
    const row = checkUnit(project, unit);
    let untrack = (): void => undefined;
    let over = false;
    const end = (): void => {
      if (over) return;
      over = true;
      untrack();
      attachment.detach();
      finish();
    };
    const { attached, attachment } = terminals.attach(row.name, client, size, end);
    untrack = track(() => {
      client.notice({ type: 'ended', text: 'the project stopped', failed: false });
      end();
    });
    return {
      ready: Promise.resolve(attached),
      ended,
      write: (data) => attachment.write(data),
      resize: (s) => attachment.resize(s),
      close: end,
    };
  } catch (err) {
    return refusedSession(err);
  }
}

/** A session that did not begin: `ready` rejects with `err`. */
export function refusedSession(err: unknown): AttachSession {
  const ready = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  ready.catch(() => undefined);
  return { ready, ended: Promise.resolve(), write: () => undefined, resize: () => undefined, close: () => undefined };
}

/** The unit's status; a pool name, an unknown name or a unit that has stopped is refused. */
function checkUnit(project: AttachTarget, unit: string): UnitStatus {
  const spec = project.spec;
  const statuses = project.supervisor.status();
  const instances = statuses.filter((u) => u.kind === 'instance' && u.pool === unit).map((u) => u.name);
  const isPool = spec.pools.some((p) => p.name === unit) || instances.length > 0;
  if (isPool && !statuses.some((u) => u.name === unit)) {
    const which = instances.length > 0 ? `attach to one of its instances: ${instances.join(', ')}` : 'it has no instances now (procs scale adds some)';
    throw new ControlError('bad-request', `'${unit}' is a pool; ${which}`);
  }
  const [name] = resolveUnits([unit], spec.units, []);
  const row = statuses.find((u) => u.name === name);
  if (!row) throw new ControlError('unknown-unit', `no unit named '${unit}'`);
  if (ENDED_STATES.has(row.state)) {
    const why = row.reason ? ` — ${row.reason}` : '';
    throw new ControlError('not-running', `${row.name} is not running (${row.state}${why}); procs start ${row.name} starts it`);
  }
  return row;
}
