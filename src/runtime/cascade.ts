// Restarts that follow dependencies: a unit that depends on another with `restart: true` is
// stopped when that unit restarts (before it goes down; after a crash, as soon as it is seen)
// and wanted again once the restart is under way, so that it starts when the dependency meets
// its condition again. Pure: the supervisor gives it the records, the stop and the events.
import type { UnitSpec } from '../config/spec.js';
import { dependencyTargets } from '../config/graph.js';
import { freshRecord, isEnded, type UnitRecord } from './lifecycle.js';
import { stopInOrder } from './stop-order.js';
import type { EventInput } from './unit-runs.js';
import type { UnitStatus } from './unit-view.js';

/** What the cascade needs from the supervisor around it. */
export interface CascadeHost {
  records(): ReadonlyMap<string, UnitRecord>;
  specs(): readonly UnitSpec[];
  /** Stops one unit (its `wanted` already cleared); resolves once it is stopped. */
  stop(r: UnitRecord, reason: string): Promise<void>;
  /** False once everything is being killed at once: stops no longer wait for each other. */
  ordered(): boolean;
  shuttingDown(): boolean;
  emit(e: EventInput): void;
  schedule(): void;
}

/** The dependents a restart takes along, each with the restarted unit it follows. */
export type Followers = ReadonlyMap<string, string>;

const NONE: Followers = new Map();

/** Whether a unit is up or on its way (running, or waiting to restart): what a restart can take along. */
function active(r: UnitRecord | undefined): r is UnitRecord {
  return r !== undefined && r.wanted && !isEnded(r.phase) && r.phase.kind !== 'pending';
}

/** How a restarted unit is named in reasons: a pool instance by its pool. */
function causeOf(spec: UnitSpec): string {
  return spec.kind === 'instance' && spec.pool ? spec.pool : spec.name;
}

/**
 * The units that follow `names` when they restart: those that depend on one of them with
 * `restart: true`, transitively, that are up or on their way, and not among `names` (those
 * restart anyway). A dependency on a pool counts for each of its instances.
 */
export function followersOf(names: readonly string[], specs: readonly UnitSpec[], live: (name: string) => boolean): Map<string, string> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const targets = dependencyTargets(specs);
  const restarted = new Set(names);
  const out = new Map<string, string>();
  const queue = names.flatMap((n) => {
    const s = byName.get(n);
    return s ? [[n, causeOf(s)] as const] : [];
  });
  for (let i = 0; i < queue.length; i++) {
    const [name, cause] = queue[i] as readonly [string, string];
    for (const u of specs) {
      if (restarted.has(u.name) || out.has(u.name) || !live(u.name)) continue;
      const follows = u.dependsOn.some((d) => d.restart === true && targets(d.name).some((t) => t.name === name));
      if (!follows) continue;
      out.set(u.name, cause);
      queue.push([u.name, cause]);
    }
  }
  return out;
}

export class Cascade {
  readonly #host: CascadeHost;
  /** Dependents wanted again after a restart, and the unit they wait for (what `ps` says). */
  readonly #waiting = new Map<string, string>();
  /** Followers being stopped by a cascade: wanted again after, unless stopped on request meanwhile. */
  readonly #inFlight = new Set<string>();

  constructor(host: CascadeHost) {
    this.#host = host;
  }

  /** The units that follow `names` when these restart; none unless one of them is up or on its way. */
  followers(names: readonly string[]): Followers {
    const records = this.#host.records();
    const roots = names.filter((n) => active(records.get(n)));
    if (roots.length === 0) return NONE;
    return followersOf(roots, this.#host.specs(), (n) => active(records.get(n)));
  }

  /**
   * Stops the followers of `names` (dependents first), each saying which restart it follows. A
   * batch of a rolling restart of pool instances has none: `bounce` restarts them after the last.
   */
  async stop(names: readonly string[], rolling = false): Promise<Followers> {
    const records = this.#host.records();
    if (rolling && names.every((n) => records.get(n)?.spec.kind === 'instance')) return NONE;
    const followers = this.followers(names);
    await this.#stop(followers);
    return followers;
  }

  async #stop(followers: Followers): Promise<void> {
    if (followers.size === 0) return;
    const records = this.#host.records();
    // Every follower is unwanted at once, then each stops after those that depend on it.
    for (const name of followers.keys()) {
      const r = records.get(name);
      if (r) r.wanted = false;
      this.#inFlight.add(name);
    }
    const stop = async (name: string): Promise<void> => {
      const r = records.get(name);
      if (r) await this.#host.stop(r, `${followers.get(name) ?? name} restarted`);
    };
    await stopInOrder([...followers.keys()], this.#host.specs(), stop, () => this.#host.ordered());
  }

  /**
   * Wants the stopped followers again: pending until their dependencies hold. The restart is not
   * theirs: their restart count stays what it was, and the next spawn reads as a restart.
   */
  requeue(followers: Followers): void {
    if (this.#host.shuttingDown()) return;
    const records = this.#host.records();
    for (const [name, cause] of followers) {
      const r = records.get(name);
      // Stopped on request or started otherwise meanwhile: not the cascade's any more.
      if (!this.#inFlight.delete(name) || !r || r.wanted || r.phase.kind !== 'stopped') continue;
      const { restarts, attempts } = r;
      Object.assign(r, freshRecord(r.spec, { wanted: true, attempts }), { restarts });
      this.#waiting.set(name, cause);
      this.#host.emit({ type: 'restart', unit: name, reason: `${cause} restarted`, attempt: attempts + 1, state: 'pending' });
    }
  }

  /**
   * A unit is to restart after its run ended (a crash, a failed liveness probe): it is down
   * already, so its followers stop now, and start once it meets their condition again.
   */
  async crashed(r: UnitRecord): Promise<void> {
    const followers = this.followers([r.spec.name]);
    if (followers.size === 0) return;
    // Its next run is what the followers wait for, not the one that ended.
    r.everStarted = false;
    r.everReady = false;
    await this.#stop(followers);
    this.requeue(followers);
    this.#host.schedule();
  }

  /** Stops the followers of `names` and wants them again at once (after a rolling restart of a pool). */
  async bounce(names: readonly string[]): Promise<void> {
    if (this.#host.shuttingDown()) return;
    const followers = await this.stop(names);
    this.requeue(followers);
    this.#host.schedule();
  }

  /** The units are stopped on request: a cascade under way does not want them again. */
  cancel(names: readonly string[]): void {
    for (const n of names) {
      this.#inFlight.delete(n);
      this.#waiting.delete(n);
    }
  }

  /** A `ps` row with what a waiting follower waits for; forgotten once it has left `pending`. */
  annotate(row: UnitStatus): UnitStatus {
    const cause = this.#waiting.get(row.name);
    if (cause === undefined || row.reason !== null) return row;
    if (row.state === 'pending') return { ...row, reason: `waiting for ${cause}, which restarted` };
    this.#waiting.delete(row.name);
    return row;
  }
}
