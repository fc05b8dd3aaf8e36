// The page's live model: the project's state from /api/state (refreshed ~250 ms after events and
// every 2 s for uptime and CPU), the event timeline and the connection, fed by the one stream.
// Components subscribe to it; log lines go straight to the log pane.
import type { DashboardState, LogLine, StreamEvents } from '../src/dashboard/protocol.js';
import { getJson } from './api.js';
import { connect } from './stream.js';

export type TimedEvent = StreamEvents['event'];

export interface Model {
  readonly state: DashboardState | null;
  readonly connected: boolean;
  readonly project: string;
  /** Newest first, at most TIMELINE. */
  readonly events: readonly TimedEvent[];
}

/** Events the timeline keeps (and shows). */
const TIMELINE = 300;
const THROTTLE_MS = 250;
const PERIOD_MS = 2000;

export class Live {
  model: Model = { state: null, connected: false, project: '', events: [] };
  private readonly listeners = new Set<() => void>();
  private poolByUnit = new Map<string, string | null>();
  private busy = false;
  private again = false;
  private soon: number | undefined;

  constructor(private readonly onLogs: (lines: readonly LogLine[], history: boolean) => void) {}

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** An instance's pool (null for a unit of no pool), as the last state said. */
  poolOf = (unit: string): string | null | undefined => this.poolByUnit.get(unit);

  /** Connects and starts refreshing; returns what stops it. */
  start(): () => void {
    void this.refresh();
    const timer = window.setInterval(() => void this.refresh(), PERIOD_MS);
    const stop = connect('/api/stream', {
      onOpen: (connected) => {
        if (connected !== this.model.connected) this.set({ connected });
        if (connected) this.refreshSoon();
      },
      onHello: (m) => this.set({ project: m.project }),
      onReset: () => this.set({ events: [] }),
      onEvent: (m) => {
        const top = this.model.events[0];
        if (top !== undefined && m.seq <= top.seq) return;
        this.set({ events: [m, ...this.model.events.slice(0, TIMELINE - 1)] });
        this.refreshSoon();
      },
      onLogs: (m) => this.onLogs(m.lines, m.history === true),
    });
    return () => {
      window.clearInterval(timer);
      window.clearTimeout(this.soon);
      stop();
    };
  }

  /** Reads the state again within THROTTLE_MS (once for any number of calls meanwhile). */
  refreshSoon(): void {
    if (this.soon !== undefined) return;
    this.soon = window.setTimeout(() => {
      this.soon = undefined;
      void this.refresh();
    }, THROTTLE_MS);
  }

  private async refresh(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      const state = await getJson<DashboardState>('/api/state');
      this.poolByUnit = new Map(state.status.units.map((u) => [u.name, u.pool]));
      this.set({ state, project: state.status.project });
    } catch {
      // The stream's state says whether the project is there; the next refresh tries again.
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      }
    }
  }

  private set(change: Partial<Model>): void {
    this.model = { ...this.model, ...change };
    for (const f of this.listeners) f();
  }
}
