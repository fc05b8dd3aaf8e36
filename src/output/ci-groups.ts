// The startup phase on GitHub Actions: each unit's startup output folded into its own
// `::group::`, written once the unit is up (or has failed), and an `::error::` annotation for
// every unit that fails. After startup, output flows as usual.
import type { UnitSpec } from '../config/spec.js';
import type { OutputBatch, ProcsEvent } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { startupStep, type StartupPhase, type StartupStep } from './startup-steps.js';

const MAX_HELD = 8 * 1024 * 1024;

/** Escapes text for a workflow command's message (`%`, CR and LF are special there). */
function escapeWorkflowText(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

interface Held {
  readonly unit: UnitSpec;
  readonly started: number;
  readonly lines: (() => void)[];
  settled: boolean;
}

export class CiGroupsView implements StartupPhase {
  readonly #out: NodeJS.WritableStream;
  readonly #units = new Map<string, Held>();
  #size = 0;
  #active = true;
  #finish!: () => void;
  readonly ended: Promise<void>;

  readonly #flushText: () => void;

  /** `flushText` writes state lines the text renderer may still hold, so they land inside the group. */
  constructor(out: NodeJS.WritableStream, units: readonly UnitSpec[], flushText: () => void = () => undefined) {
    this.#out = out;
    this.#flushText = flushText;
    this.ended = new Promise((r) => (this.#finish = r));
    for (const unit of units) this.#units.set(unit.name, { unit, started: Date.now(), lines: [], settled: false });
  }

  readonly event = (e: ProcsEvent, passOn: (e: ProcsEvent) => void): void => {
    const held = this.#active ? this.#units.get(e.unit) : undefined;
    if (e.unit === 'procs' && e.type === 'stop') this.end();
    if (!held || held.settled) {
      passOn(e);
      if (e.type === 'failed') this.#out.write(`::error title=procs::${escapeWorkflowText(`${e.unit} failed: ${e.reason}`)}\n`);
      return;
    }
    held.lines.push(() => passOn(e));
    const step = startupStep(held.unit, e, Date.now() - held.started);
    if (step && step.kind !== 'progress') {
      held.settled = true;
      this.#flush(held, step.text);
      if (step.kind === 'fail') this.#out.write(`::error title=procs::${escapeWorkflowText(`${held.unit.name} failed: ${step.reason}`)}\n`);
    }
    if ([...this.#units.values()].every((h) => h.settled)) this.end();
  };

  gate(sink: OutputSink): OutputSink {
    return {
      write: (batch: OutputBatch) => {
        const held = this.#active ? this.#units.get(batch.unit) : undefined;
        if (!held || held.settled) return sink.write(batch);
        const at = { ...batch, at: Date.now() };
        held.lines.push(() => void sink.write(at));
        this.#size += batch.text.length;
        if (this.#size > MAX_HELD) this.end();
        return true;
      },
      onceDrain: (fn) => sink.onceDrain(fn),
    };
  }

  /** A unit already up (or failed) needs no group: its output flows as usual. */
  preset(unit: string, step: StartupStep): void {
    const held = this.#units.get(unit);
    if (held && step.kind !== 'progress') held.settled = true;
  }

  async run(names: ReadonlySet<string>): Promise<void> {
    for (const name of [...this.#units.keys()]) if (!names.has(name)) this.#units.delete(name);
    if ([...this.#units.values()].every((h) => h.settled)) this.end();
  }

  end(): void {
    if (!this.#active) return;
    for (const held of this.#units.values()) {
      if (!held.settled) {
        held.settled = true;
        this.#flush(held, `${held.unit.name}  (still starting)`);
      }
    }
    this.#active = false;
    this.#finish();
  }

  // Writes one unit's held lines inside a collapsible group.
  #flush(held: Held, title: string): void {
    this.#out.write(`::group::${escapeWorkflowText(title)}\n`);
    held.lines.splice(0).forEach((f) => f());
    this.#flushText();
    this.#out.write('::endgroup::\n');
  }
}
