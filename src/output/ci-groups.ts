// The startup phase in CI: each unit's startup output folded into its own collapsible part of
// the job log, written once the unit is up (or has failed). Two dialects of one view: on GitHub
// Actions a `::group::` and an `::error::` annotation for every unit that fails; on GitLab CI a
// `section_start`/`section_end` pair (collapsed unless the unit failed). After startup, output
// flows as usual.
import type { UnitSpec } from '../config/spec.js';
import { batchSize, withTime } from '../events/batch.js';
import type { OutputBatch, ProcsEvent } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { printable } from '../base/printable.js';
import { startupStep, type StartupPhase, type StartupStep } from './startup-steps.js';

const MAX_HELD = 8 * 1024 * 1024;

/** Escapes text for a workflow command's message (`%`, CR and LF are special there). */
function escapeWorkflowText(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Which CI reads the log: GitHub Actions' workflow commands or GitLab's section markers. */
export type CiDialect = 'github' | 'gitlab';

/** A GitLab section name: only `[A-Za-z0-9_.-]`, made unique by the unit's place. */
export function gitlabSectionName(index: number, unit: string): string {
  return `procs_${index}_${unit.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

// GitLab's markers: `\e[0Ksection_start:UNIX_TS:NAME[collapsed=true]\r\e[0KHEADER`, `\e[0Ksection_end:UNIX_TS:NAME\r\e[0K`.
const ERASE = '\x1b[0K';

interface Held {
  readonly unit: UnitSpec;
  readonly started: number;
  readonly lines: (() => void)[];
  readonly index: number;
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
  readonly #dialect: CiDialect;

  /** `flushText` writes state lines the text renderer may still hold, so they land inside the group. */
  constructor(out: NodeJS.WritableStream, units: readonly UnitSpec[], flushText: () => void = () => undefined, dialect: CiDialect = 'github') {
    this.#out = out;
    this.#flushText = flushText;
    this.#dialect = dialect;
    this.ended = new Promise((r) => (this.#finish = r));
    units.forEach((unit, index) => this.#units.set(unit.name, { unit, started: Date.now(), lines: [], index, settled: false }));
  }

  readonly event = (e: ProcsEvent, passOn: (e: ProcsEvent) => void): void => {
    const held = this.#active ? this.#units.get(e.unit) : undefined;
    if (e.unit === 'procs' && e.type === 'stop') this.end();
    if (!held || held.settled) {
      passOn(e);
      if (e.type === 'failed') this.#error(`${e.unit} failed: ${e.reason}`);
      return;
    }
    held.lines.push(() => passOn(e));
    const step = startupStep(held.unit, e, Date.now() - held.started);
    if (step && step.kind !== 'progress') {
      held.settled = true;
      this.#flush(held, step.text, step.kind === 'fail');
      if (step.kind === 'fail') this.#error(`${held.unit.name} failed: ${step.reason}`);
    }
    if ([...this.#units.values()].every((h) => h.settled)) this.end();
  };

  gate(sink: OutputSink): OutputSink {
    return {
      write: (batch: OutputBatch) => {
        const held = this.#active ? this.#units.get(batch.unit) : undefined;
        if (!held || held.settled) return sink.write(batch);
        const at = batch.at === undefined ? withTime(batch, Date.now()) : batch;
        held.lines.push(() => void sink.write(at));
        this.#size += batchSize(batch);
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

  // Writes one unit's held lines inside a collapsible group (on GitLab, left open when it failed).
  #flush(held: Held, title: string, failed = false): void {
    const name = gitlabSectionName(held.index, held.unit.name);
    const now = (): number => Math.floor(Date.now() / 1000);
    if (this.#dialect === 'github') this.#out.write(`::group::${escapeWorkflowText(title)}\n`);
    else this.#out.write(`${ERASE}section_start:${now()}:${name}${failed ? '' : '[collapsed=true]'}\r${ERASE}${printable(title)}\n`);
    held.lines.splice(0).forEach((f) => f());
    this.#flushText();
    if (this.#dialect === 'github') this.#out.write('::endgroup::\n');
    else this.#out.write(`${ERASE}section_end:${now()}:${name}\r${ERASE}\n`);
  }

  // A failure: an annotation on GitHub; on GitLab the failure lines of the text view say it.
  #error(text: string): void {
    if (this.#dialect === 'github') this.#out.write(`::error title=procs::${escapeWorkflowText(text)}\n`);
  }
}
