// Figures in words for the units table and the timeline. Pure.
import type { ProcsEvent } from './types.js';

/** A span in the largest two units: `45s`, `3m 05s`, `2h 07m`, `3d 4h`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** Bytes in KiB/MiB/GiB with one decimal where it helps. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function percent(n: number | null | undefined): string {
  return n === null || n === undefined ? '' : `${n.toFixed(n >= 10 ? 0 : 1)}%`;
}

/** How a run ended: `0`, `1`, `SIGTERM`, or empty when it has not. */
export function exitText(exit: { readonly code: number | null; readonly signal: string | null }): string {
  if (exit.signal !== null) return exit.signal;
  return exit.code === null ? '' : String(exit.code);
}

/** One event as the timeline says it, after its unit and type: `pid 123`, `exited with code 1`. */
export function eventDetail(e: ProcsEvent): string {
  switch (e.type) {
    case 'spawn':
      return `pid ${e.pid}${e.attempt > 1 ? `, attempt ${e.attempt}` : ''}`;
    case 'ready':
      return `after ${e.afterMs} ms`;
    case 'unhealthy':
    case 'failed':
      return e.reason;
    case 'exit':
      return e.exit.error ?? (e.exit.signal !== null ? `killed by ${e.exit.signal}` : `exited with code ${e.exit.code ?? '?'}`);
    case 'restart':
      return e.reason;
    case 'backoff':
      return `retry in ${duration(e.delayMs)}, attempt ${e.attempt}${e.maxRestarts !== undefined ? ` of ${e.maxRestarts}` : ''}`;
    case 'stop':
      return e.reason + (e.forced ? ' (forced)' : '');
    case 'hook':
      return `${e.hook} ${e.phase}${e.status !== undefined && e.status !== null ? ` (${e.status})` : ''}`;
    case 'probe':
      return `${e.result.probe} ${e.result.ok ? 'ok' : 'failing'}: ${e.result.detail}`;
    case 'start':
      return `${e.runner}, pid ${e.pid}`;
    case 'watch':
      return e.paths.slice(0, 3).join(', ') + (e.paths.length > 3 ? ` and ${e.paths.length - 3} more` : '');
    case 'build':
      return e.ok ? 'ok' : 'failed';
    case 'reload':
      return e.actions.join(', ') || 'no change';
    case 'scale':
      return `to ${e.replicas}`;
    case 'config-error':
      return e.errors[0] ?? '';
  }
}
