// The units table: a row per unit with its figures and actions; each pool a group with its size
// and a scale control above its instances; the watch rules with their last runs.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { UnitRow, UnitUsage, UsageResult, Why } from './lib/types.js';
import { bytes, duration, exitText, percent } from './lib/format.js';

export interface Actions {
  readonly unit: (action: 'start' | 'stop' | 'restart', name: string) => void;
  readonly scale: (pool: string, replicas: number) => void;
}

const LIVE = new Set(['starting', 'running', 'ready', 'unhealthy']);

/** Re-renders every second, for uptimes. */
function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

function Health({ u }: { readonly u: UnitRow }) {
  const parts: JSX.Element[] = [];
  for (const kind of ['readiness', 'liveness'] as const) {
    const status = u.health[kind];
    if (status === null) continue;
    const last = [...(u.probes ?? [])].reverse().find((p) => p.probe === kind);
    const ok = last ? last.ok : null;
    const title = last ? `${kind}: ${last.target} → ${last.detail}${last.count > 1 ? ` (×${last.count})` : ''}` : `${kind}: ${status}`;
    parts.push(
      <span key={kind} class={`probe ${ok === null ? 'unknown' : ok ? 'ok' : 'bad'}`} title={title}>
        {kind === 'readiness' ? 'R' : 'L'} {last ? (last.ok ? '✓' : `✗ ${last.detail}`) : status}
      </span>,
    );
  }
  if (u.status) parts.push(<span class="status-line">{u.status}</span>);
  return <>{parts}</>;
}

function Row({ u, usage, now, actions, nested }: { u: UnitRow; usage?: UnitUsage | undefined; now: number; actions: Actions; nested?: boolean }) {
  const live = LIVE.has(u.state);
  const started = u.started_at !== null ? Date.parse(u.started_at) : NaN;
  const watch = u.watch;
  const lastRun = watch?.last_run;
  return (
    <tr data-unit={u.name} data-watch={watch ? u.name : undefined} class={nested ? 'instance' : undefined}>
      <td class="name" title={u.kind}>
        {u.name}
        {watch && <span class="kind"> watch</span>}
        {u.kind === 'pipeline' && <span class="kind"> pipeline</span>}
      </td>
      <td data-field="state" class={`state st-${u.state}`}>
        {u.state}
      </td>
      <td data-field="health">
        <Health u={u} />
      </td>
      <td data-field="pid" class="num">
        {u.pid ?? ''}
      </td>
      <td data-field="restarts" class="num">
        {u.restarts}
      </td>
      <td data-field="uptime" class="num">
        {live && !Number.isNaN(started) ? duration(now - started) : ''}
      </td>
      <td data-field="cpu" class="num">
        {percent(usage?.cpu_percent)}
      </td>
      <td data-field="mem" class="num">
        {bytes(usage?.rss_bytes)}
      </td>
      <td data-field="exit" class="num">
        {exitText(u.exit)}
      </td>
      <td data-field="reason" class="reason" title={u.reason ?? ''}>
        {watch ? (
          <span class="runs">
            {watch.activity} · {watch.runs} run{watch.runs === 1 ? '' : 's'}
            {lastRun && (
              <>
                {' · last '}
                <span class={lastRun.ok === null ? 'st-running' : lastRun.ok ? 'st-ready' : 'st-failed'}>
                  {lastRun.ok === null ? 'running' : lastRun.ok ? 'ok' : 'failed'}
                </span>{' '}
                {duration(now - Date.parse(lastRun.started_at))} ago
              </>
            )}
            {u.reason ? ` · ${u.reason}` : ''}
          </span>
        ) : (
          (u.reason ?? '')
        )}
      </td>
      <td class="actions">
        <button type="button" data-action="start" onClick={() => actions.unit('start', u.name)} title="start">
          ▶
        </button>
        <button type="button" data-action="stop" onClick={() => actions.unit('stop', u.name)} title="stop">
          ■
        </button>
        <button type="button" data-action="restart" onClick={() => actions.unit('restart', u.name)} title="restart">
          ↻
        </button>
      </td>
    </tr>
  );
}

function Pool({
  name,
  replicas,
  instances,
  usage,
  now,
  actions,
}: {
  name: string;
  replicas: number;
  instances: UnitRow[];
  usage: (n: string) => UnitUsage | undefined;
  now: number;
  actions: Actions;
}) {
  const [want, setWant] = useState<string>(String(replicas));
  useEffect(() => setWant(String(replicas)), [replicas]);
  return (
    <tbody data-pool={name} class="pool">
      <tr class="pool-head">
        <td class="name">
          {name} <span class="kind">pool</span>
        </td>
        <td colSpan={9}>
          <span data-field="size">{replicas}</span> {replicas === 1 ? 'instance' : 'instances'}
          {': '}
          <span data-field="instances" class="dim">
            {instances.map((i) => i.name).join(' ')}
          </span>
        </td>
        <td class="actions">
          <form
            class="scale"
            onSubmit={(e) => {
              e.preventDefault();
              actions.scale(name, Number(want));
            }}
          >
            <input type="number" min={0} data-scale={name} value={want} onInput={(e) => setWant(e.currentTarget.value)} aria-label={`replicas of ${name}`} />
            <button type="submit" data-action="scale">
              scale
            </button>
          </form>
        </td>
      </tr>
      {instances.map((u) => (
        <Row key={u.name} u={u} usage={usage(u.name)} now={now} actions={actions} nested />
      ))}
    </tbody>
  );
}

export function UnitsTable({
  units: rows,
  pools,
  usage,
  why,
  actions,
}: {
  units: readonly UnitRow[];
  pools: readonly { name: string; replicas: number }[];
  usage: UsageResult | null;
  why: readonly Why[];
  actions: Actions;
}) {
  const now = useNow();
  // A unit waiting (pending, backoff) without a reason of its own says why it waits.
  const whyOf = new Map(why.map((w) => [w.unit, w.summary]));
  const units = rows.map((u) => {
    const summary = whyOf.get(u.name);
    return u.reason === null && (u.state === 'pending' || u.state === 'backoff') && summary ? { ...u, reason: summary } : u;
  });
  const byName = new Map((usage?.units ?? []).map((u) => [u.name, u]));
  const usageOf = (n: string): UnitUsage | undefined => byName.get(n);
  const plain = units.filter((u) => u.pool === null && u.kind !== 'watch');
  const watches = units.filter((u) => u.kind === 'watch');
  return (
    <table class="units">
      <thead>
        <tr>
          <th>unit</th>
          <th>state</th>
          <th>health</th>
          <th>pid</th>
          <th>restarts</th>
          <th>uptime</th>
          <th>cpu</th>
          <th>mem</th>
          <th>exit</th>
          <th>reason</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {plain.map((u) => (
          <Row key={u.name} u={u} usage={usageOf(u.name)} now={now} actions={actions} />
        ))}
      </tbody>
      {pools.map((p) => (
        <Pool key={p.name} name={p.name} replicas={p.replicas} instances={units.filter((u) => u.pool === p.name)} usage={usageOf} now={now} actions={actions} />
      ))}
      {watches.length > 0 && (
        <tbody class="watches">
          {watches.map((u) => (
            <Row key={u.name} u={u} usage={usageOf(u.name)} now={now} actions={actions} />
          ))}
        </tbody>
      )}
    </table>
  );
}
