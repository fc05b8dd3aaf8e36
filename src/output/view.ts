// Picks and wires the view of a run: prefixed lines plus state lines on a terminal or in CI,
// or NDJSON with `--json`. Both read the same event stream and the same output batches.

import type { Writable } from 'node:stream';
import type { UnitSpec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { EventTextRenderer } from './events-text.js';
import { JsonRenderer } from './json.js';
import { UnitLayout } from './layout.js';
import type { FactsOf } from './phrases.js';
import { PrefixRenderer } from './prefix.js';
import { CiGroupsView } from './ci-groups.js';
import type { StartupHistory } from './critical-chain-history.js';
import type { StartupPhase } from './startup-steps.js';
import { StartupView } from './startup-view.js';
import type { TailBuffer } from './tail.js';

export interface ViewOptions {
  readonly out: Writable;
  readonly json?: boolean;
  /** From `colorEnabled`; ignored in JSON mode. */
  readonly color?: boolean;
  /** Unit names in unit order. */
  readonly names: Iterable<string>;
  readonly facts?: FactsOf;
  /** Told once when the stream fails (EPIPE: the reader went away); output is dropped after. */
  readonly onError?: (error: Error) => void;
}

export interface View {
  /** Where unit output goes. */
  readonly sink: OutputSink;
  /** Subscribe this to the event bus. */
  readonly event: (e: ProcsEvent) => void;
  /** Units added by a reload or a scale. */
  addNames(names: Iterable<string>): void;
  /** Writes anything held back (call before exiting). */
  flush(): void;
}

/** The view for a run: JSON, or the text renderers sharing one name column. */
export function createView(options: ViewOptions): View {
  const onError = options.onError;
  if (options.json) {
    const json = new JsonRenderer(options.out, onError ? { onError } : {});
    return { sink: json, event: json.event, addNames: () => undefined, flush: () => undefined };
  }
  const layout = new UnitLayout(options.names, options.color ?? false);
  const prefix = new PrefixRenderer(options.out, { layout, ...(onError ? { onError } : {}) });
  const text = new EventTextRenderer(options.out, { layout, ...(options.facts ? { facts: options.facts } : {}) });
  return {
    sink: prefix,
    event: text.event,
    addNames: (names) => layout.addNames(names),
    flush: () => text.flush(),
  };
}

/** Spec facts the text renderers mention: max restarts, stop signal and stop timeout. */
export function factsFromSpec(units: readonly UnitSpec[]): FactsOf {
  const byName = new Map(units.map((u) => [u.name, u]));
  return (unit) => {
    const spec = byName.get(unit);
    if (!spec) return undefined;
    return { maxRestarts: spec.restart.maxRestarts, stopSignal: spec.stop.signal, stopTimeoutMs: spec.stop.timeoutMs };
  };
}

/** How the startup phase shows: a task list on a terminal, GitHub Actions groups or GitLab sections in CI; none: plain lines. */
export type StartupKind = 'tasks' | 'ci-groups' | 'gitlab-sections';

export interface StartupOptions {
  /** The terminal (a TTY for the task list). */
  readonly out: Writable;
  readonly units: readonly UnitSpec[];
  /** Each unit's last lines, shown under a unit that fails. */
  readonly tail: TailBuffer;
  readonly color: boolean;
  /** Writes the state lines the view holds back (a CI group closes after them). */
  readonly flush: () => void;
  /** The startup times of the runs before this one, for the summary line's slow flags. */
  readonly history?: () => StartupHistory | undefined;
}

/** The startup phase view of `kind`, or undefined for plain lines. */
export function createStartupPhase(kind: StartupKind | undefined, o: StartupOptions): StartupPhase | undefined {
  if (kind === 'tasks') {
    return new StartupView({ out: o.out as NodeJS.WriteStream, units: o.units, tail: o.tail, color: o.color, ...(o.history ? { history: o.history } : {}) });
  }
  if (kind === 'ci-groups') return new CiGroupsView(o.out, o.units, o.flush);
  if (kind === 'gitlab-sections') return new CiGroupsView(o.out, o.units, o.flush, 'gitlab');
  return undefined;
}
