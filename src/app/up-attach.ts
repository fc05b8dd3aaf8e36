// `procs up` on a project that already runs (a daemon, a foreground `up` in another terminal, or
// `procs run`): reconciles it to this command's spec as `up -d` does, then shows it live the way a
// foreground `up` shows its own run, from the project's control socket — the startup view for the
// units not up yet (those up show as done), then every unit's output, prefixed and coloured, and
// the state lines (exits, restarts, failures), through the same renderers. Ctrl-C asks, on a
// terminal, whether to stop the project or detach; without one (stdin not a TTY), Ctrl-C, SIGTERM
// and SIGHUP detach at once. When the project ends (by itself, or `procs down` from elsewhere)
// the summary follows and the exit code is the one a foreground `up` would give.
//
// Before the live stream come the last few lines of each unit in this run of the project, from its
// log files (merged in time order, as `procs logs -n 5` shows them): what each unit was doing,
// without replaying a screenful of old output (docker compose shows none, which leaves a quiet
// unit's screen blank; `logs -f` shows a tail). With `--json`, the report line `up -d --json` prints, then the events and output
// lines as NDJSON, as a foreground `up --json` streams them; no earlier lines and no words on stdout.
import type { Spec } from '../config/spec.js';
import { ControlError, type Feed, type LiveBatch, type ProjectStatus, type ReloadResult } from '../control/api.js';
import type { ControlClient } from '../control/client.js';
import type { ProcsEvent } from '../events/types.js';
import { readLogTail } from '../output/log-read.js';
import { summaryLines } from '../output/summary.js';
import { TailBuffer } from '../output/tail.js';
import { createStartupPhase, createView, factsFromSpec } from '../output/view.js';
import type { ProjectPaths } from '../rundir/paths.js';
import { ask, canAsk, STOP_OR_DETACH, type KeyInput, type Question } from './attach-prompt.js';
import { AttachedOutcomes } from './attach-outcome.js';
import { AttachedScreen, HeldOutput } from './attach-screen.js';
import { EXIT } from './exit-codes.js';
import { mergeByTime, shownFilter } from './log-merge.js';
import type { Display, UpOptions } from './options.js';
import { onShutdownSignals } from './signals.js';
import { printStarted, printStartedJson } from './up-report.js';

/** Lines of each unit's earlier output shown before the live stream. */
const HISTORY_LINES = 5;
/** How long the output stream may trail the events once the project has gone. */
const TRAIL_MS = 2000;

type End = 'detach' | 'stop' | 'closed';

/** What the attached view needs: the running project, this command's spec and options, the terminal and keyboard. */
export interface AttachRequest {
  readonly client: ControlClient;
  readonly paths: ProjectPaths;
  readonly spec: Spec;
  readonly options: UpOptions;
  /** Reconciles the project to this command's spec (what `up -d` does on a running project). */
  readonly reconcile: () => Promise<ReloadResult>;
  readonly display: Display;
  /** The keyboard (stdin, taken only now), for the question on Ctrl-C: asked only when it is a terminal. */
  readonly keys: (() => KeyInput) | undefined;
}

/** Attaches to the running project until it ends, is stopped from here, or this command detaches; returns the exit code. */
export async function attachToRunning(r: AttachRequest): Promise<number> {
  return new Attachment(r).run();
}

class Attachment {
  readonly #r: AttachRequest;
  readonly #held = new HeldOutput();
  readonly #outcomes = new AttachedOutcomes();
  readonly #tail = new TailBuffer(20);
  #screen: AttachedScreen | undefined;
  #attached = false;
  #question: Question | undefined;
  #asking = false;
  #stopping = false;
  #saidStopping = false;
  #end: End | undefined;
  #decide!: (end: End) => void;
  readonly #decided = new Promise<End>((resolve) => (this.#decide = resolve));

  readonly #keys: KeyInput | undefined;

  constructor(r: AttachRequest) {
    this.#r = r;
    this.#keys = r.keys?.();
  }

  async run(): Promise<number> {
    const { client, display: d, options: o } = this.#r;
    if (o.abortOnFailure || o.exitFrom !== undefined) {
      d.err.write('procs up: --abort-on-failure and --exit-code-from apply to a project this command starts; the running one is only shown\n');
    }
    // The listeners stay until procs exits: a signal while the summary is written changes nothing.
    onShutdownSignals({ graceful: (sig) => this.#signal(sig), force: (sig) => this.#signal(sig) });
    // Subscribed before the reconcile, so that what it starts is seen from its first event.
    const events = client.events((e) => this.#event(e));
    const logs = client.logs([], (b) => this.#batch(b));
    try {
      await Promise.all([events.ready, logs.ready]);
      void events.ended.then(() => this.#finish('closed'));
      const reconciled = await this.#r.reconcile();
      await client.started();
      const status = await client.status();
      this.#outcomes.adopt(status.units);
      if (this.#end === undefined) await this.#show(status, reconciled);
      const end = await this.#decided;
      if (end === 'detach') return this.#detach(status, [events, logs]);
      if (end === 'stop') await this.#stop(events);
      await Promise.race([logs.ended, new Promise((resolve) => setTimeout(resolve, TRAIL_MS).unref())]);
      return await this.#ended(status);
    } finally {
      events.close();
      logs.close();
      this.#question?.cancel('detach');
    }
  }

  /** Says what reconciling did, shows the earlier lines, then opens the live view. */
  async #show(status: ProjectStatus, reconciled: ReloadResult): Promise<void> {
    const { display: d, spec, paths } = this.#r;
    if (d.json) printStartedJson(status, reconciled, d);
    else printStarted(status, reconciled, d, '');
    const names = [...new Set([...spec.units.map((u) => u.name), ...status.units.map((u) => u.name)])];
    const view = createView({ out: d.out, json: d.json, color: d.color, names, facts: factsFromSpec(spec.units) });
    let unseen = (b: LiveBatch): LiveBatch | undefined => b;
    if (!d.json) {
      const skip = (e: Error): void => void d.err.write(`procs up: ${e.message}\n`);
      const start = Date.parse(status.started_at ?? '');
      const since = Number.isNaN(start) ? undefined : start;
      const tails = await Promise.all(status.units.map(async (u) => [u.name, await readLogTail(paths.logs, u.name, HISTORY_LINES, skip, since)] as const));
      const shown = mergeByTime(new Map(tails));
      for (const l of shown) {
        const at = Date.parse(l.ts);
        const batch = {
          unit: l.unit,
          stream: l.stream,
          text: `${l.text}\n`,
          ...(Number.isNaN(at) ? {} : { at }),
          ...(l.step === undefined ? {} : { step: l.step }),
        };
        this.#tail.write(batch);
        view.sink.write(batch);
      }
      unseen = shownFilter(shown);
      const ctrlC = canAsk(this.#keys) ? 'Ctrl-C asks whether to stop the project or detach' : 'Ctrl-C detaches (the project keeps running)';
      d.out.write(`procs: attached: output follows live; ${ctrlC}\n`);
    }
    const units = spec.units.filter((u) => status.units.some((s) => s.name === u.name));
    const startup = d.json ? undefined : createStartupPhase(d.startupView, { out: d.out, units, tail: this.#tail, color: d.color, flush: () => view.flush() });
    this.#screen = new AttachedScreen(view, startup, d);
    this.#screen.begin(status, spec, this.#r.options);
    // The last lines kept (for a unit that fails while starting) follow what the screen shows.
    const shownNow = (b: LiveBatch): LiveBatch | undefined => {
      const kept = unseen(b);
      if (kept) this.#tail.write(kept);
      return kept;
    };
    this.#held.open(this.#screen, shownNow, (n) => this.#dropped(n));
    this.#attached = true;
  }

  #event(e: ProcsEvent | { readonly dropped?: number }): void {
    if (!('type' in e)) return this.#dropped(e.dropped ?? 0);
    this.#outcomes.event(e);
    // What this command's own reconcile did is said above the view already.
    if (!this.#attached && e.type === 'reload') return;
    this.#held.event(e);
  }

  #batch(b: LiveBatch): void {
    if (b.dropped !== undefined) return this.#dropped(b.dropped);
    if (this.#attached) this.#tail.write(b);
    this.#held.batch(b);
  }

  #dropped(n: number): void {
    this.#r.display.err.write(`procs up: ${n} lines were dropped (reading too slowly)\n`);
  }

  /** Ctrl-C asks (on a terminal, once attached); any other signal, or Ctrl-C without a terminal, detaches. */
  #signal(sig: NodeJS.Signals): void {
    if (this.#stopping) {
      if (!this.#saidStopping) this.#r.display.err.write('procs: the project is stopping; a unit that does not stop in its stop timeout is killed\n');
      this.#saidStopping = true;
      return;
    }
    const keys = this.#keys;
    if (sig !== 'SIGINT' || !this.#attached || !canAsk(keys)) return this.#finish('detach');
    void this.#ask(keys);
  }

  async #ask(keys: KeyInput & { setRawMode(mode: boolean): unknown }): Promise<void> {
    if (this.#asking) return;
    this.#asking = true;
    await this.#screen?.rest(); // the task list draws its last frame before the question
    if (this.#end !== undefined) return;
    this.#held.hold();
    const q = (this.#question = ask(keys, this.#r.display.err, STOP_OR_DETACH));
    const choice = await q.answer;
    this.#question = undefined;
    this.#held.release();
    if (choice === 'stop') this.#stopping = true;
    this.#finish(choice);
  }

  #finish(end: End): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    this.#question?.cancel('detach');
    this.#decide(end);
  }

  /** Leaves the project running: says so, and how to come back. */
  async #detach(status: ProjectStatus, feeds: readonly Feed[]): Promise<number> {
    feeds.forEach((f) => f.close());
    await this.#screen?.rest();
    this.#r.display.err.write(
      `procs: detached; the project keeps running (pid ${status.pid})\n  procs up shows it again · procs logs -f follows its output · procs down stops it\n`,
    );
    return EXIT.ok;
  }

  /** Stops the whole project, as `procs down` does; its stop events show meanwhile. */
  async #stop(events: Feed): Promise<void> {
    this.#stopping = true;
    try {
      await this.#r.client.down();
    } catch (err) {
      // Already going down, or gone: the events feed says how it ended.
      if (!(err instanceof ControlError)) throw err;
    }
    await events.ended;
  }

  /** The project has gone: the summary, and the exit code a foreground `up` would give. */
  async #ended(status: ProjectStatus): Promise<number> {
    await this.#screen?.rest();
    const d = this.#r.display;
    const o = this.#outcomes;
    if (!this.#stopping && o.stopReason === undefined && !o.allEnded()) {
      d.err.write(`procs up: the project's procs (pid ${status.pid}) went away without stopping its units; procs ps shows what is left\n`);
      return EXIT.failed;
    }
    const lines = summaryLines(o.outcome());
    if (lines.length > 0) d.err.write(`${lines.join('\n')}\n`);
    return o.stopRequested || this.#stopping || o.allGood() ? EXIT.ok : EXIT.failed;
  }
}
