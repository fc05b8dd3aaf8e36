// When a `listen:` unit's sockets close. They stay open across restarts, rebuilds and crashes
// with a restart to come, so that connections wait in the kernel's queue; they close once no
// unit of their owner (the process, or every instance of the pool) can run again by itself:
// stopped on request, failed for good, completed. A later start binds them anew.
import type { UnitSpec } from '../config/spec.js';
import type { ProcsEvent, UnitState } from '../events/types.js';

/** The reason `procs stop` gives its units' stop events (controller.ts). */
export const STOPPED_ON_REQUEST = 'stopped on request';

const ENDED: ReadonlySet<UnitState> = new Set(['stopped', 'completed', 'failed', 'skipped']);

/** A bus listener that lets go of the sockets of owners whose units have all ended for good. */
export function socketReleaser(o: {
  units: () => readonly UnitSpec[];
  states: () => ReadonlyMap<string, UnitState>;
  release: (owner: string) => void;
}): (e: ProcsEvent) => void {
  return (e) => {
    const final =
      (e.type === 'stop' && e.state === 'stopped' && e.reason === STOPPED_ON_REQUEST) || e.type === 'failed' || (e.type === 'exit' && e.state === 'completed');
    if (!final) return;
    const units = o.units();
    const owner = ownerOf(units.find((u) => u.name === e.unit));
    if (owner === undefined) return;
    const states = o.states();
    const sharing = units.filter((u) => ownerOf(u) === owner);
    if (sharing.every((u) => u.name === e.unit || ENDED.has(states.get(u.name) ?? 'stopped'))) o.release(owner);
  };
}

/** The owner of a unit's sockets: itself, or its pool; undefined without `listen:`. */
export function ownerOf(unit: UnitSpec | undefined): string | undefined {
  return unit === undefined || unit.kind === 'pipeline' ? undefined : unit.listen?.owner;
}
