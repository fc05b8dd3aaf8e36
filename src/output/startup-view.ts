// The startup view on a terminal: a live task list (listr2) with one row per unit — pending on
// what, starting, ready with the time it took, failed with its last lines — while units come up.
// Unit output and state lines are held back meanwhile and released, in order, once every unit
// has settled; then the view gives way to the prefixed output stream.
import type { UnitSpec } from '../config/spec.js';
import { batchSize, withTime } from '../events/batch.js';
import type { OutputBatch, ProcsEvent } from '../events/types.js';
import { pendingText, startupStep, type StartupPhase, type StartupStep } from './startup-steps.js';
import type { OutputSink } from '../events/sink.js';
import type { TailBuffer } from './tail.js';
import { analyzeStartup, summaryLine } from './critical-chain.js';
import { slowText, slowUnits, type StartupHistory } from './critical-chain-history.js';

/** Held-back output beyond this many characters ends the view early, so memory stays bounded. */
const MAX_HELD = 8 * 1024 * 1024;
/** Events kept for the summary line; a startup with more goes without one. */
const MAX_EVENTS = 20_000;

type Outcome = { readonly kind: 'ok' } | { readonly kind: 'fail'; readonly error: Error } | { readonly kind: 'skip'; readonly why: string };

/** The part of a listr2 task a row drives. */
interface TaskHandle {
  title: string;
  output: string;
  skip(message?: string): void;
}

interface Row {
  readonly unit: UnitSpec;
  readonly started: number;
  title: string;
  output: string;
  outcome: Outcome | undefined;
  task: TaskHandle | undefined;
  finish: ((o: Outcome) => void) | undefined;
}

export interface StartupViewOptions {
  readonly out: NodeJS.WriteStream;
  readonly units: readonly UnitSpec[];
  readonly tail: TailBuffer;
  readonly color: boolean;
  /** The startup times of the runs before this one: units much slower than usual are flagged under the summary. */
  readonly history?: () => StartupHistory | undefined;
}

export class StartupView implements StartupPhase {
  readonly #o: StartupViewOptions;
  readonly #rows = new Map<string, Row>();
  readonly #held: (() => void)[] = [];
  #heldSize = 0;
  #active = true;
  #closing = false;
  #rendering = false;
  /** Rows were settled before `run` (a project already running): the list is shown all the same. */
  #preset = false;
  /** This run's events while the view is up, for the summary line (none when it did not see the run's start). */
  #events: ProcsEvent[] | undefined;
  /** Every row came up by itself (not ended early by a stop or too much output). */
  #allUp = false;
  #ended: Promise<void>;
  #finish!: () => void;

  constructor(options: StartupViewOptions) {
    this.#o = options;
    this.#ended = new Promise((r) => (this.#finish = r));
    for (const unit of options.units) {
      this.#rows.set(unit.name, {
        unit,
        started: Date.now(),
        // A scheduled unit is up once it waits for its tick: nothing to wait for here.
        title: unit.schedule ? `${unit.name}  scheduled` : unit.name,
        output: pendingText(unit),
        outcome: unit.schedule ? { kind: 'ok' } : undefined,
        task: undefined,
        finish: undefined,
      });
    }
  }

  /** Resolves once the view has given way to the output stream. */
  get ended(): Promise<void> {
    return this.#ended;
  }

  /**
   * Renders the task list for the units being started (the others' rows are dropped); resolves
   * when every row has settled or `end()` was called.
   */
  async run(names: ReadonlySet<string>): Promise<void> {
    for (const name of [...this.#rows.keys()]) if (!names.has(name)) this.#rows.delete(name);
    if (!this.#preset && [...this.#rows.values()].every((r) => r.outcome)) this.end();
    const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
    if (!this.#active) return;
    // listr2 swaps the `write` of the streams it is given while it renders; give it its own
    // objects, backed by the real terminal, so the real stream is never patched.
    const own = (s: NodeJS.WriteStream): NodeJS.WriteStream => {
      const o = Object.create(s) as NodeJS.WriteStream;
      o.write = s.write.bind(s);
      return o;
    };
    const processOutput = new ProcessOutput(own(this.#o.out), own(this.#o.out), { dump: [], leaveEmptyLine: false });
    const tasks = [...this.#rows.values()].map((row) => ({
      title: row.title,
      task: (_ctx: unknown, task: TaskHandle) =>
        new Promise<void>((resolve, reject) => {
          row.task = task;
          task.output = row.output;
          row.finish = (o) => {
            task.title = row.title;
            if (o.kind === 'fail') reject(o.error);
            else {
              if (o.kind === 'skip') task.skip(o.why);
              resolve();
            }
          };
          if (row.outcome) row.finish(row.outcome);
        }),
    }));
    const list = new Listr(tasks, {
      concurrent: true,
      exitOnError: false,
      registerSignalListeners: false,
      rendererOptions: {
        logger: new ListrLogger({ useIcons: this.#o.color, toStderr: [], processOutput }),
        collapseErrors: false,
        showErrorMessage: true,
        formatOutput: 'truncate',
      },
    });
    this.#rendering = true;
    try {
      await list.run();
    } catch {
      // failures are shown in the list itself
    }
    this.#rendering = false;
    this.end();
    this.#summarize();
    this.#release();
  }

  // Once every row came up: one line with the time to all-up and the critical chain, then one per
  // unit that was much slower than its usual time.
  #summarize(): void {
    const events = this.#events;
    if (!events || this.#preset || !this.#allUp) return;
    const units = [...this.#rows.values()].map((r) => r.unit);
    const run = analyzeStartup(events, units);
    const line = summaryLine(run);
    if (line === undefined) return;
    const history = this.#o.history?.();
    const slow = history ? slowUnits(run, history).map(slowText) : [];
    this.#o.out.write([line, ...slow.map((s) => `  slow: ${s}`)].map((l) => `${l}\n`).join(''));
  }

  /** A row's state before `run`: settled rows show as done, the others as what they are doing. */
  preset(unit: string, step: StartupStep): void {
    const row = this.#rows.get(unit);
    if (!row || row.outcome || this.#closing) return;
    if (step.kind === 'progress') return this.#say(row, step.text);
    this.#preset = true;
    if (step.kind === 'ok') this.#settle(row, step.text, { kind: 'ok' });
    else if (step.kind === 'skip') this.#settle(row, row.unit.name, { kind: 'skip', why: step.text });
    else this.#settle(row, step.text, { kind: 'fail', error: new Error(`${row.unit.name} failed: ${step.reason}`) });
  }

  /**
   * Subscribe to the bus: updates rows. While the view is up the task list tells the story, so
   * state lines are not printed then (they stay in the event log); afterwards they pass on.
   */
  readonly event = (e: ProcsEvent, passOn: (e: ProcsEvent) => void): void => {
    if (e.type === 'start') this.#events = [];
    if (!this.#closing && this.#events) {
      this.#events.push(e);
      if (this.#events.length > MAX_EVENTS) this.#events = undefined;
    }
    if (!this.#closing) this.#observe(e);
    if (!this.#active) passOn(e);
  };

  /** Wraps the output sink: batches are held back while the view is up. */
  gate(sink: OutputSink): OutputSink {
    return {
      write: (batch: OutputBatch) => {
        if (!this.#active) return sink.write(batch);
        const held = batch.at === undefined ? withTime(batch, Date.now()) : batch;
        this.#hold(batchSize(batch), () => void sink.write(held));
        return true;
      },
      onceDrain: (fn) => sink.onceDrain(fn),
    };
  }

  /**
   * Ends the view (all settled, a stop was asked for, or too much output held back): every row
   * gets its final state, and once listr2 has drawn its last frame the held lines follow it.
   */
  end(): void {
    if (this.#closing) return;
    this.#closing = true;
    for (const row of this.#rows.values()) {
      if (!row.outcome) this.#settle(row, `${row.unit.name}  ${row.output}`, { kind: 'ok' });
    }
    if (!this.#rendering) this.#release();
  }

  // Writes what was held back, in order, and lets output flow straight through from now on.
  #release(): void {
    if (!this.#active) return;
    this.#active = false;
    const held = this.#held.splice(0);
    this.#heldSize = 0;
    held.forEach((f) => f());
    this.#finish();
  }

  #hold(size: number, f: () => void): void {
    if (!this.#active) {
      f();
      return;
    }
    this.#held.push(f);
    this.#heldSize += size;
    if (this.#heldSize > MAX_HELD) this.end();
    if (this.#heldSize > 4 * MAX_HELD) this.#release();
  }

  #observe(e: ProcsEvent): void {
    if (e.unit === 'procs' && e.type === 'stop') {
      this.end();
      return;
    }
    const row = this.#rows.get(e.unit);
    if (!row || row.outcome) return;
    const step = startupStep(row.unit, e, Date.now() - row.started);
    if (step?.kind === 'progress') this.#say(row, step.text);
    else if (step?.kind === 'ok') this.#settle(row, step.text, { kind: 'ok' });
    else if (step?.kind === 'skip') this.#settle(row, row.unit.name, { kind: 'skip', why: step.text });
    else if (step?.kind === 'fail') {
      const last = this.#o.tail.lines(row.unit.name).map((l) => `  ${l.text}`);
      const text = [`${row.unit.name} failed: ${step.reason}`, ...(last.length > 0 ? ['last lines:', ...last] : [])].join('\n');
      this.#settle(row, step.text, { kind: 'fail', error: new Error(text) });
    }
    if ([...this.#rows.values()].every((r) => r.outcome)) {
      this.#allUp = [...this.#rows.values()].every((r) => r.outcome?.kind === 'ok');
      this.end();
    }
  }

  // Updates a row's second line (what it is doing now).
  #say(row: Row, output: string): void {
    row.output = output;
    if (row.task) row.task.output = output;
  }

  // Gives a row its final title and outcome.
  #settle(row: Row, title: string, outcome: Outcome): void {
    row.outcome = outcome;
    row.title = title;
    row.finish?.(outcome);
  }
}
