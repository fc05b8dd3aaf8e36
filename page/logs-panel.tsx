// The logs section: a tab per pane (all, each pool, each unit), the filter, the follow and older
// buttons, and the pane itself, whose lines the LogView manages (Preact renders it empty).
import type { Ref } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { UnitRow } from './lib/types.js';
import { parseFilter } from './lib/filter.js';
import { ALL } from './lib/paging.js';
import type { LogViewStatus } from './log-view.js';

interface Props {
  readonly pane: string;
  readonly q: string;
  readonly units: readonly UnitRow[];
  readonly pools: readonly { readonly name: string }[];
  readonly status: LogViewStatus;
  readonly paneRef: Ref<HTMLDivElement>;
  readonly onPane: (pane: string) => void;
  readonly onFilter: (q: string) => void;
  readonly onFollow: () => void;
  readonly onOlder: () => void;
}

export function LogsPanel({ pane, q, units, pools, status, paneRef, onPane, onFilter, onFollow, onOlder }: Props) {
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    if (text === q) return;
    const t = window.setTimeout(() => onFilter(text), 150);
    return () => window.clearTimeout(t);
  }, [text]);
  const filter = parseFilter(text);
  const tabs = [ALL, ...pools.map((p) => p.name), ...units.map((u) => u.name)];
  if (!tabs.includes(pane)) tabs.push(pane);
  return (
    <section class="logs-panel">
      <div class="logs-bar">
        <div class="tabs" role="tablist">
          {tabs.map((t) => (
            <button
              type="button"
              key={t}
              role="tab"
              data-log-tab={t}
              aria-selected={t === pane}
              class={t === pane ? 'tab active' : 'tab'}
              onClick={() => onPane(t)}
            >
              {t === ALL ? 'all' : t}
            </button>
          ))}
        </div>
        <input
          id="log-filter"
          type="search"
          placeholder="filter: text or /regex/"
          value={text}
          class={filter.kind === 'invalid' ? 'invalid' : undefined}
          title={filter.kind === 'invalid' ? filter.error : 'text, or /regex/'}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') onFilter(text);
          }}
        />
        <button type="button" id="older" onClick={onOlder} title="Load older lines">
          older
        </button>
        <button type="button" id="follow" hidden={status.following} onClick={onFollow} title="Follow new lines">
          ↓ follow
        </button>
        {status.loading && <span class="dim">loading…</span>}
        {status.error !== null && <span class="log-error">{status.error}</span>}
      </div>
      <div id="logs" class="log-pane" ref={paneRef} tabIndex={0} />
    </section>
  );
}
