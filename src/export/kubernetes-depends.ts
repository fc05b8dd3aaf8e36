// `depends_on` in Kubernetes: init containers, in the order the spec lists the dependencies.
// `completed` on a one-shot step runs the step itself (its own dependencies first); `healthy` and
// `started` wait for the dependency's Service (kubernetes-service.ts). A dependency with no
// Service to wait on (no port, or a scheduled or one-shot unit) is kept as the annotation
// procs/depends-on, with a note.
import type { Container } from 'kubernetes-types/core/v1.js';
import type { Dependency } from '../config/spec.js';
import type { Service } from './model.js';
import { servicePorts, waitContainer, waitHow, waitTargets } from './kubernetes-service.js';
import type { Notes } from './types.js';

export interface DependsContext {
  readonly byName: ReadonlyMap<string, Service>;
  readonly nameOf: (service: string) => string;
  readonly image: string;
  readonly notes: Notes;
  /** One-shot steps run as init containers of those that wait for them to complete. */
  readonly inits: ReadonlySet<Service>;
  /** The container of a one-shot step run as an init container (no probes, no lifecycle). */
  readonly stepContainer: (step: Service) => Container;
}

/** Whether a unit has a Service that others can wait on. */
export function hasService(svc: Service, inits: ReadonlySet<Service>): boolean {
  return !inits.has(svc) && !svc.oneShot && svc.unit.schedule === undefined && servicePorts(svc).length > 0;
}

/** The init containers of a unit, and the dependencies no init container stands for. */
export function initContainersOf(svc: Service, ctx: DependsContext): { init: Container[]; unmapped: Dependency[] } {
  const init: Container[] = [];
  const names = new Set<string>();
  const push = (c: Container): void => {
    if (names.has(c.name)) return;
    names.add(c.name);
    init.push(c);
  };
  const unmapped = collect(svc, svc, ctx, push, new Set());
  return { init, unmapped };
}

/** Adds the init containers of `unit`'s dependencies (recording their fates as `owner`'s when unit is owner). */
function collect(owner: Service, unit: Service, ctx: DependsContext, push: (c: Container) => void, seen: Set<string>): Dependency[] {
  const unmapped: Dependency[] = [];
  const self = owner === unit;
  for (const dep of unit.dependsOn) {
    const target = ctx.byName.get(dep.name);
    if (!target) continue;
    const key = `depends_on.${dep.name}`;
    const restartLost = dep.restart ? '; restart: true is dropped (a pod is not restarted with its dependency)' : '';
    if (dep.condition === 'completed' && target.oneShot && ctx.inits.has(target)) {
      if (seen.has(target.name)) continue;
      seen.add(target.name);
      collect(owner, target, ctx, push, seen);
      ctx.notes.add(`${target.name}: runs as an init container of ${owner.name}, so once each time one of its pods starts`);
      push(ctx.stepContainer(target));
      if (self) ctx.notes.key(owner.name, key, 'approximated', `init container ${ctx.nameOf(target.name)}, run once per pod start${restartLost}`);
      continue;
    }
    const service = ctx.nameOf(target.name);
    const targets = dep.condition !== 'completed' && hasService(target, ctx.inits) ? waitTargets(target, service, dep) : [];
    if (targets.length === 0) {
      if (self) {
        unmapped.push(dep);
        ctx.notes.add(
          `${owner.name}: Kubernetes does not wait for ${dep.name} (${dep.condition}): it has no Service to wait on; kept as the annotation procs/depends-on`,
        );
        ctx.notes.key(owner.name, key, 'dropped', `no Service of ${dep.name} to wait on; annotation procs/depends-on`);
      }
      continue;
    }
    push(waitContainer(`${service}`, ctx.image, targets));
    if (!self) continue;
    // started: procs waits for the spawn; the Service answering is later, so close but stricter.
    const exact = dep.condition === 'healthy' && !dep.restart && (targets[0]?.path !== undefined || target.unit.health.readiness?.check.kind === 'tcp');
    ctx.notes.key(
      owner.name,
      key,
      exact ? 'mapped' : 'approximated',
      `${waitHow(targets)}${dep.condition === 'started' ? ' (started: once it answers)' : ''}${restartLost}`,
    );
    if (dep.restart) ctx.notes.add(`${owner.name}: Kubernetes does not restart a pod when one it depends on restarts; depends_on restart: true is left out`);
  }
  return unmapped;
}
