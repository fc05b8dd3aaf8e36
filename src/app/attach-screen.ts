// The screen of `procs up` attached to a running project: the view a foreground `up` has (prefixed
// output and state lines, or NDJSON) behind its startup phase, fed from the control socket's
// feeds; and what arrives before it is up, or while a question is asked, held back in order.
import { closure } from '../config/graph.js';
import type { Spec, UnitSpec } from '../config/spec.js';
import type { LiveBatch, ProjectStatus, UnitRow } from '../control/api.js';
import type { OutputSink } from '../events/sink.js';
import { isUpState, type OutputBatch, type ProcsEvent } from '../events/types.js';
import { formatDuration } from '../output/format.js';
import type { StartupPhase, StartupStep } from '../output/startup-steps.js';
import type { View } from '../output/view.js';
import type { Display, UpOptions } from './options.js';
import { selectUnits } from './select.js';

/** Where the feeds' events and output go. */
export interface Screen {
  event(e: ProcsEvent): void;
  batch(b: LiveBatch): void;
}

export class AttachedScreen implements Screen {
  readonly #view: View;
  readonly #startup: StartupPhase | undefined;
  readonly #sink: OutputSink;
  readonly #d: Display;

  constructor(view: View, startup: StartupPhase | undefined, d: Display) {
    this.#view = view;
    this.#startup = startup;
    this.#sink = startup ? startup.gate(view.sink) : view.sink;
    this.#d = d;
  }

  event(e: ProcsEvent): void {
    if (this.#startup) this.#startup.event(e, this.#view.event);
    else this.#view.event(e);
  }

  /** A batch of the feed, shown at the time the unit wrote it. */
  batch(b: LiveBatch): void {
    this.#sink.write(outputBatch(b));
  }

  /**
   * Shows where the units this command asked for stand: the startup view's rows (done for the
   * units up already), or, without a task list, one line each.
   */
  begin(status: ProjectStatus, spec: Spec, o: UpOptions): void {
    const selected = selectUnits(spec, o.units);
    const wanted = o.noDeps ? new Set(selected) : closure(selected, spec.units);
    const rows = status.units.filter((u) => wanted.has(u.name));
    if (!this.#startup) {
      if (this.#d.json || rows.length === 0) return;
      const width = Math.max(...rows.map((u) => u.name.length));
      this.#d.out.write(rows.map((u) => `  ${u.name.padEnd(width)}  ${u.state.padEnd(9)}  ${u.pid === null ? '' : `pid ${u.pid}`}`.trimEnd() + '\n').join(''));
      return;
    }
    const specs = new Map(spec.units.map((u) => [u.name, u]));
    for (const row of rows) {
      const unit = specs.get(row.name);
      const step = unit && presetStep(row, unit, Date.now());
      if (step) this.#startup.preset(row.name, step);
    }
    void this.#startup.run(new Set(rows.map((u) => u.name)));
  }

  /** Ends the startup view (its last frame drawn, what it held written) and writes any state line held back. */
  async rest(): Promise<void> {
    this.#startup?.end();
    await this.#startup?.ended;
    this.#view.flush();
  }
}

/** A startup row for a unit as the project reports it: done when up (or completed), else what it is doing. */
export function presetStep(row: UnitRow, unit: UnitSpec, now: number): StartupStep | undefined {
  const started = row.started_at === null ? NaN : Date.parse(row.started_at);
  const since = Number.isNaN(started) ? '' : `, up ${formatDuration(Math.max(0, now - started))}`;
  const pid = row.pid === null ? '' : ` (pid ${row.pid})`;
  if (isUpState(row.state, unit.health.readiness !== undefined)) return { kind: 'ok', text: `${row.name}  ${row.state}${pid}${since}` };
  switch (row.state) {
    case 'completed':
      return { kind: 'ok', text: `${row.name}  completed` };
    case 'failed':
      return { kind: 'fail', text: `${row.name}  failed`, reason: row.reason ?? 'failed' };
    case 'skipped':
      return { kind: 'skip', text: `${row.name}  skipped: ${row.reason ?? ''}`, reason: row.reason ?? '' };
    case 'pending':
      return undefined;
    case 'running':
      return { kind: 'progress', text: `running${pid}, not ready yet` };
    default:
      return { kind: 'progress', text: `${row.state}${pid}` };
  }
}

/** A feed batch as the renderers take it. */
function outputBatch(b: LiveBatch): OutputBatch {
  const at = Date.parse(b.ts);
  return { unit: b.unit, stream: b.stream, text: b.text, ...(Number.isNaN(at) ? {} : { at }), ...(b.step === undefined ? {} : { step: b.step }) };
}

type Held = { readonly event: ProcsEvent } | { readonly batch: LiveBatch };

/** Past this much held-back output (characters), further batches are counted, not kept. */
const MAX_HELD = 8 * 1024 * 1024;

/**
 * Events and output in arrival order: held until the screen opens (and while a question is
 * asked), then passed straight through. What is held is bounded; output past the bound is
 * dropped and counted, and said once released.
 */
export class HeldOutput {
  #screen: Screen | undefined;
  #held: Held[] = [];
  #size = 0;
  #dropped = 0;
  #holding = true;
  #onDropped: (lines: number) => void = () => undefined;

  event(e: ProcsEvent): void {
    if (this.#holding || !this.#screen) this.#held.push({ event: e });
    else this.#screen.event(e);
  }

  batch(b: LiveBatch): void {
    if (!this.#holding && this.#screen) return this.#screen.batch(b);
    if (this.#size > MAX_HELD) {
      this.#dropped += Math.max(1, b.text.split('\n').length - 1);
      return;
    }
    this.#size += b.text.length;
    this.#held.push({ batch: b });
  }

  /** Opens onto `screen`: what was held goes first, each batch through `filter` (which drops lines shown already). */
  open(screen: Screen, filter: (b: LiveBatch) => LiveBatch | undefined, onDropped: (lines: number) => void): void {
    this.#screen = screen;
    this.#onDropped = onDropped;
    this.#flush(filter);
  }

  /** Holds what arrives (a question is on the screen). */
  hold(): void {
    this.#holding = true;
  }

  /** Writes what was held and lets everything through again. */
  release(): void {
    if (this.#screen) this.#flush((b) => b);
  }

  #flush(filter: (b: LiveBatch) => LiveBatch | undefined): void {
    const screen = this.#screen;
    if (!screen) return;
    this.#holding = false;
    const held = this.#held.splice(0);
    this.#size = 0;
    for (const h of held) {
      if ('event' in h) screen.event(h.event);
      else {
        const b = filter(h.batch);
        if (b) screen.batch(b);
      }
    }
    if (this.#dropped > 0) this.#onDropped(this.#dropped);
    this.#dropped = 0;
  }
}
