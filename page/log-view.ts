// The log pane (#logs), managed directly rather than by Preact: thousands of lines a second are
// batched per animation frame, the DOM keeps a bounded window of the pane's lines, and lines
// paged out (or from before the page loaded) come back from the store or /api/logs, exactly
// (before/have paging) when the user scrolls to the top.
import type { LogLine, LogPage } from '../src/dashboard/protocol.js';
import { parseFilter, type Filter } from './lib/filter.js';
import { ALL, inPane, olderQuery, shown } from './lib/paging.js';
import type { LineStore, StoredLine } from './lib/store.js';
import { lineElement } from './render-line.js';

/** Lines kept in the DOM while following… */
const SHOWN = 2000;
/** …and while reading back (older pages prepended). */
const BROWSE = 10000;
/** Lines asked for at a time. */
const PAGE = 1000;
/** How near the top (px) loads older lines, and how near the bottom counts as at the bottom. */
const EDGE = 40;

interface Held {
  /** Its place in the store; null for a line fetched from the files. */
  readonly seq: number | null;
  readonly line: LogLine;
  readonly el: HTMLElement;
}

export interface LogViewStatus {
  readonly following: boolean;
  readonly loading: boolean;
  readonly error: string | null;
}

export type PoolOf = (unit: string) => string | null | undefined;

export class LogView {
  private held: Held[] = [];
  private pane = ALL;
  private q = '';
  private filter: Filter = { kind: 'none' };
  private following = true;
  /** Every store line below this seq was looked at for the DOM. */
  private newest = 0;
  /** The DOM lacks the newest lines of the pane (trimmed while reading back). */
  private behind = false;
  /** Older lines may be in the files. */
  private more = true;
  private loading = false;
  private error: string | null = null;
  private frame = 0;
  /** Bumped on each rebuild: answers for an older view are dropped. */
  private generation = 0;

  constructor(
    private readonly el: HTMLElement,
    private readonly store: LineStore,
    private readonly poolOf: PoolOf,
    private readonly fetchOlder: (params: [string, string][]) => Promise<LogPage>,
    private readonly onStatus: (s: LogViewStatus) => void,
  ) {
    el.addEventListener('scroll', () => this.onScroll());
    el.addEventListener(
      'wheel',
      (e) => {
        if (e.deltaY < 0 && this.following) this.setFollowing(false);
      },
      { passive: true },
    );
    this.updateAttributes();
  }

  /** Shows pane `pane` (a unit, a pool, or `*`) filtered by `q`. */
  show(pane: string, q: string): void {
    if (pane === this.pane && q === this.q && this.held.length > 0) return;
    this.pane = pane;
    this.q = q;
    this.filter = parseFilter(q);
    this.rebuild();
  }

  /** Takes in lines from the stream: a history replaces what the panes hold. */
  take(lines: readonly LogLine[], history: boolean): void {
    if (history) this.store.clear();
    this.store.add(lines);
    this.updateReceived();
    if (history) this.rebuild();
    else if (this.following && this.frame === 0) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** A pool's instances changed: a pool's pane is filled again with its lines. */
  regroup(isPool: (name: string) => boolean): void {
    if (this.pane !== ALL && isPool(this.pane)) this.rebuild();
    else this.updateReceived();
  }

  /** Follows the newest lines again. */
  follow(): void {
    this.setFollowing(true);
  }

  /** Stops following and loads older lines (the "older" button). */
  older(): void {
    if (this.following) this.setFollowing(false);
    void this.loadOlder();
  }

  private keep = (l: LogLine): boolean => shown(this.pane, this.filter, this.poolOf, l);

  private setFollowing(on: boolean): void {
    if (on === this.following) return;
    this.following = on;
    if (on) {
      if (this.behind || this.newest < this.store.range.first) this.rebuild();
      else this.flush();
    }
    this.updateAttributes();
    this.emit();
  }

  private emit(): void {
    this.onStatus({ following: this.following, loading: this.loading, error: this.error });
  }

  private updateAttributes(): void {
    this.el.dataset['unit'] = this.pane;
    this.el.dataset['following'] = String(this.following);
    this.updateReceived();
  }

  private updateReceived(): void {
    const pane = this.pane;
    this.el.dataset['received'] = String(pane === ALL ? this.store.count() : this.store.count((u) => inPane(pane, u, this.poolOf)));
  }

  /** Empties the pane and fills it with the newest lines the store has for it; follows. */
  private rebuild(): void {
    this.generation++;
    this.loading = false;
    this.error = this.filter.kind === 'invalid' ? this.filter.error : null;
    // An invalid filter shows nothing, and asks the files for nothing.
    this.more = this.filter.kind !== 'invalid';
    this.behind = false;
    this.following = true;
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.held = [];
    this.el.replaceChildren();
    this.newest = this.store.range.first;
    this.flush();
    this.updateAttributes();
    this.emit();
    this.fillUp();
  }

  /** Appends the lines that came since the last frame (the newest SHOWN of them), trims the top, scrolls down. */
  private flush(): void {
    this.frame = 0;
    if (!this.following) return;
    const next = this.store.range.next;
    if (this.newest >= next) return;
    const { lines, exhausted } = this.store.lastBefore(next, SHOWN, this.keep, this.newest);
    this.newest = next;
    if (!exhausted) this.clear();
    if (lines.length > 0) {
      const frag = document.createDocumentFragment();
      for (const s of lines) frag.append(this.hold(s).el);
      this.el.append(frag);
      this.trimTop(SHOWN);
    }
    this.el.scrollTop = this.el.scrollHeight;
  }

  private hold(s: { readonly seq: number | null; readonly line: LogLine }): Held {
    const h = { seq: s.seq, line: s.line, el: lineElement(s.line) };
    this.held.push(h);
    return h;
  }

  private clear(): void {
    this.held = [];
    this.el.replaceChildren();
    this.more = this.filter.kind !== 'invalid';
  }

  private trimTop(max: number): void {
    const extra = this.held.length - max;
    if (extra <= 0) return;
    for (const h of this.held.slice(0, extra)) h.el.remove();
    this.held = this.held.slice(extra);
    this.more = this.filter.kind !== 'invalid';
  }

  private onScroll(): void {
    const el = this.el;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE / 4;
    if (this.following && !atBottom) this.setFollowing(false);
    if (!this.following && el.scrollTop < EDGE) void this.loadOlder();
  }

  /** While the pane does not fill its box, loads older lines into it. */
  private fillUp(): void {
    if (this.el.scrollHeight <= this.el.clientHeight && this.more) {
      void this.loadOlder().then((added) => {
        if (added > 0) this.fillUp();
      });
    }
  }

  /** Prepends older lines: from the store while it has them, else from the files. Returns how many. */
  private async loadOlder(): Promise<number> {
    if (this.loading || !this.more) return 0;
    const top = this.held[0];
    if (top === undefined || top.seq !== null) {
      const { lines } = this.store.lastBefore(top?.seq ?? this.newest, PAGE, this.keep);
      if (lines.length > 0) return this.prepend(lines);
    }
    const oldest = this.store.oldest();
    if (top === undefined && oldest === undefined) return 0;
    const generation = this.generation;
    this.loading = true;
    this.error = null;
    this.emit();
    let page: LogPage;
    try {
      page = await this.fetchOlder(
        olderQuery(
          this.pane,
          this.q,
          this.held.map((h) => h.line),
          PAGE,
          oldest?.line.ts,
        ),
      );
    } catch (e) {
      if (generation === this.generation) {
        this.loading = false;
        this.error = e instanceof Error ? e.message : String(e);
        this.emit();
      }
      return 0;
    }
    if (generation !== this.generation) return 0;
    this.loading = false;
    this.more = page.more;
    const added = this.prepend(page.lines.map((line) => ({ seq: null, line })));
    this.emit();
    return added;
  }

  private prepend(entries: readonly (StoredLine | { readonly seq: null; readonly line: LogLine })[]): number {
    let list = entries;
    if (this.following) {
      // Following keeps SHOWN lines: only as many as fit above them.
      const room = SHOWN - this.held.length;
      if (room <= 0) return 0;
      list = entries.slice(Math.max(0, entries.length - room));
    }
    if (list.length === 0) return 0;
    const frag = document.createDocumentFragment();
    const added: Held[] = [];
    for (const s of list) {
      const h = { seq: s.seq, line: s.line, el: lineElement(s.line) };
      added.push(h);
      frag.append(h.el);
    }
    const el = this.el;
    const height = el.scrollHeight;
    const top = el.scrollTop;
    el.prepend(frag);
    this.held = [...added, ...this.held];
    if (this.following) el.scrollTop = el.scrollHeight;
    else el.scrollTop = top + (el.scrollHeight - height);
    if (!this.following && this.held.length > BROWSE) {
      for (const h of this.held.slice(BROWSE)) h.el.remove();
      this.held = this.held.slice(0, BROWSE);
      this.behind = true;
    }
    return list.length;
  }
}
