// The dashboard page: the live model, the log pane, and the sections laid out; the URL keeps the
// log pane and its filter (?logs=NAME&q=…), the title and favicon follow the project's summary.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ReloadAnswer } from './lib/types.js';
import { getLogs, post } from './api.js';
import { GraphView } from './graph.js';
import { Header } from './header.js';
import { ALL } from './lib/paging.js';
import { LineStore } from './lib/store.js';
import { iconOf, summaryOf, titleOf } from './lib/summary.js';
import { Live, type Model } from './live.js';
import { LogsPanel } from './logs-panel.js';
import { LogView, type LogViewStatus } from './log-view.js';
import { Timeline } from './timeline.js';
import { Toast, type ToastMessage } from './toast.js';
import { UnitsTable, type Actions } from './units.js';

/** Lines of the stream kept in memory for switching panes and filters without asking the files. */
const STORE_LINES = 100_000;

interface View {
  readonly logs: string;
  readonly q: string;
}

function readUrl(): View {
  const p = new URLSearchParams(location.search);
  return { logs: p.get('logs') || ALL, q: p.get('q') ?? '' };
}

function writeUrl(v: View): void {
  const p = new URLSearchParams(location.search);
  if (v.logs === ALL) p.delete('logs');
  else p.set('logs', v.logs);
  if (v.q === '') p.delete('q');
  else p.set('q', v.q);
  const search = p.toString();
  const url = `${location.pathname}${search === '' ? '' : `?${search}`}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
}

export function App() {
  const paneRef = useRef<HTMLDivElement>(null);
  const logView = useRef<LogView | null>(null);
  const live = useMemo(() => new Live((lines, history) => logView.current?.take(lines, history)), []);
  const [model, setModel] = useState<Model>(live.model);
  const [view, setView] = useState<View>(readUrl);
  const [logStatus, setLogStatus] = useState<LogViewStatus>({ following: true, loading: false, error: null });
  const [toast, setToast] = useState<ToastMessage | null>(null);

  useEffect(() => {
    logView.current = new LogView(paneRef.current!, new LineStore(STORE_LINES), live.poolOf, getLogs, setLogStatus);
    logView.current.show(view.logs, view.q);
    const unsubscribe = live.subscribe(() => setModel(live.model));
    const stop = live.start();
    return () => {
      unsubscribe();
      stop();
    };
  }, []);

  useEffect(() => {
    writeUrl(view);
    logView.current?.show(view.logs, view.q);
  }, [view]);

  const status = model.state?.status;
  const units = status?.units ?? [];
  const summary = summaryOf(units);
  const project = model.project;
  useEffect(() => {
    document.title = titleOf(project, summary, model.connected);
    const icon = document.querySelector<HTMLLinkElement>('link[rel=icon]');
    const href = iconOf(summary, model.connected);
    if (icon && icon.getAttribute('href') !== href) icon.setAttribute('href', href);
  }, [project, summary, model.connected]);

  // Which instance is in which pool: a pool's log pane shows its instances' lines.
  const membership = units
    .filter((u) => u.pool !== null)
    .map((u) => `${u.name}:${u.pool}`)
    .join(' ');
  useEffect(() => {
    const pools = new Set(status?.pools.map((p) => p.name));
    logView.current?.regroup((name) => pools.has(name));
  }, [membership]);

  const fail = (e: unknown): void => setToast({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
  const run = async <T,>(path: string, body: unknown): Promise<T | undefined> => {
    try {
      const answer = await post<T>(path, body);
      live.refreshSoon();
      return answer;
    } catch (e) {
      fail(e);
      return undefined;
    }
  };
  const actions: Actions = {
    unit: (action, name) => {
      setToast({ kind: 'info', text: `${action} ${name}…` });
      void run(`/api/${action}`, { units: [name] }).then((r) => {
        if (r !== undefined) setToast({ kind: 'info', text: `${action} ${name}: done` });
      });
    },
    scale: (pool, replicas) => {
      if (!Number.isInteger(replicas) || replicas < 0) {
        fail(new Error(`scale ${pool}: a count of 0 or more`));
        return;
      }
      void run('/api/scale', { pools: { [pool]: replicas } }).then((r) => {
        if (r !== undefined) setToast({ kind: 'info', text: `scale ${pool} to ${replicas}: done` });
      });
    },
  };
  const reload = (): void => {
    void run<ReloadAnswer>('/api/reload', {}).then((r) => {
      if (r === undefined) return;
      const said = [...r.actions, ...r.warnings];
      setToast({ kind: 'info', text: said.length > 0 ? `reload: ${said.join('; ')}` : 'reload: no change' });
    });
  };
  const down = (): void => {
    setToast({ kind: 'info', text: 'down: stopping every unit…' });
    void run('/api/down', {}).then((r) => {
      if (r !== undefined) setToast({ kind: 'info', text: 'down: the project stopped' });
    });
  };

  return (
    <div class="layout">
      <Header project={project} units={units} connected={model.connected} onReload={reload} onDown={down} />
      <main class="top-half">
        <section class="panel units-panel">
          <h2>Units</h2>
          {status ? (
            <UnitsTable units={units} pools={status.pools} usage={model.state?.usage ?? null} why={model.state?.why ?? []} actions={actions} />
          ) : (
            <p class="dim">loading…</p>
          )}
        </section>
        <div class="side">
          <section class="panel graph-panel">
            <h2>Dependencies</h2>
            <GraphView graph={model.state?.graph ?? null} why={model.state?.why ?? []} poolOf={live.poolOf} />
          </section>
          <Timeline events={model.events} />
        </div>
      </main>
      <LogsPanel
        pane={view.logs}
        q={view.q}
        units={units}
        pools={status?.pools ?? []}
        status={logStatus}
        paneRef={paneRef}
        onPane={(logs) => setView((v) => ({ ...v, logs }))}
        onFilter={(q) => setView((v) => ({ ...v, q }))}
        onFollow={() => logView.current?.follow()}
        onOlder={() => logView.current?.older()}
      />
      <Toast message={toast} onClose={() => setToast(null)} />
    </div>
  );
}
