// What each event says, in words, independent of colour and layout. An `exit` is usually
// followed at once by the event that explains what happens next (backoff, failed, stop);
// `phraseExit` folds such a pair into one line.

import type { ExitInfo, ProcsEvent } from '../events/types.js';
import { describeExit, describeHookEnd } from '../events/exit.js';
import { clockTimeOf, formatDuration, nameList } from './format.js';
import { PROJECT_UNIT } from './layout.js';

/** The kind of a state line, which picks its marker and colour. */
export type Mark = 'start' | 'ok' | 'fail' | 'retry' | 'stop' | 'skip' | 'warn' | 'info';

export interface Phrase {
  readonly mark: Mark;
  readonly text: string;
}

/** Facts from the spec that events may leave out. */
export interface UnitFacts {
  readonly maxRestarts?: number;
  readonly stopSignal?: string;
  readonly stopTimeoutMs?: number;
}

export type FactsOf = (unit: string) => UnitFacts | undefined;

type Event<T extends ProcsEvent['type']> = Extract<ProcsEvent, { type: T }>;

/** The line(s) an event other than `exit` gives; none for events already said otherwise. */
export function phrase(e: ProcsEvent, facts: FactsOf): Phrase[] {
  switch (e.type) {
    case 'spawn':
      return [{ mark: 'start', text: `${e.attempt > 1 ? 'restarted' : 'started'} (pid ${e.pid})` }];
    case 'ready':
      return [{ mark: 'ok', text: `ready (after ${formatDuration(e.afterMs)})` }];
    case 'unhealthy':
      return [{ mark: 'warn', text: `unhealthy: ${e.reason}` }];
    case 'exit':
      return [phraseExit(e)];
    case 'restart':
      return [{ mark: 'retry', text: `restarting: ${e.reason}` }];
    case 'backoff':
      return [{ mark: 'retry', text: restartingIn(e, facts) }];
    case 'failed':
      return [{ mark: 'fail', text: `failed: ${e.reason}` }];
    case 'stop':
      return [phraseStop(e, facts)];
    case 'hook':
      return [phraseHook(e)];
    case 'probe':
    case 'start':
      // In the event log and `--json` only: `procs why` and `ps --json` tell them.
      return [];
    case 'watch':
      return [{ mark: 'info', text: `changed: ${nameList(e.paths, 3)}` }];
    case 'build':
      return [phraseBuild(e)];
    case 'reload':
      return [{ mark: 'info', text: e.actions.length ? `reloaded: ${e.actions.join(', ')}` : 'reloaded: nothing changed' }];
    case 'scale':
      return [{ mark: 'info', text: `scaled to ${e.replicas} ${e.replicas === 1 ? 'instance' : 'instances'}` }];
    case 'config-error':
      return e.errors.map((text) => ({ mark: 'fail', text }));
  }
}

/** An exit on its own, or folded with the event right after it for the same unit. */
export function phraseExit(exit: Event<'exit'>, next?: ProcsEvent, facts?: FactsOf): Phrase {
  const how = describeExit(exit.exit);
  if (next?.type === 'backoff') return { mark: 'retry', text: `${how} — ${restartingIn(next, facts)}` };
  if (next?.type === 'failed') return { mark: 'fail', text: failedText(exit.exit, next.reason) };
  if (next?.type === 'stop' && next.state === 'stopped') return phraseStop(next, facts);
  if (exit.exit.error !== undefined) return { mark: 'fail', text: `failed: ${exit.exit.error}` };
  switch (exit.state) {
    case 'completed':
      return { mark: 'ok', text: `completed (${how} after ${formatDuration(exit.exit.durationMs)})` };
    case 'failed':
      return { mark: 'fail', text: `failed: ${how}` };
    case 'stopped':
      return { mark: 'stop', text: `stopped (${how})` };
    case 'scheduled': {
      const n = exit.skipped ?? 0;
      const skipped = n > 0 ? `; ${n} tick${n === 1 ? '' : 's'} skipped while it ran` : '';
      const ok = exit.exit.status === 0;
      return { mark: ok ? 'ok' : 'fail', text: `run ${ok ? 'done' : 'failed'} (${how} after ${formatDuration(exit.exit.durationMs)})${skipped}` };
    }
    default:
      return { mark: exit.exit.status === 0 ? 'stop' : 'fail', text: how };
  }
}

/** Whether `next` is the event `phraseExit` folds into the exit before it. */
export function foldsIntoExit(next: ProcsEvent): boolean {
  return next.type === 'backoff' || next.type === 'failed' || (next.type === 'stop' && next.state === 'stopped');
}

/** `failed: exited with code 1 — <reason>`, without saying the same thing twice. */
function failedText(exit: ExitInfo, reason: string): string {
  const how = describeExit(exit);
  return reason === how || reason.includes(how) ? `failed: ${reason}` : `failed: ${how} — ${reason}`;
}

/** `restarting in 500ms (attempt 2 of 5)`. */
function restartingIn(e: Event<'backoff'>, facts: FactsOf | undefined): string {
  const max = e.maxRestarts ?? facts?.(e.unit)?.maxRestarts;
  const of = max === undefined ? '' : ` of ${max}`;
  return `restarting in ${formatDuration(e.delayMs)} (attempt ${e.attempt}${of})`;
}

/**
 * How a unit killed with SIGKILL ended, wherever it is said (its line, the summary, `down`, `why`):
 * with every unit at once (`atOnce`, a second Ctrl-C), or after its stop timeout (given when known).
 */
export function killedText(atOnce: boolean | undefined, timeoutMs?: number): string {
  if (atOnce === true) return 'killed with SIGKILL: asked again to stop';
  return `killed with SIGKILL after its stop timeout${timeoutMs === undefined ? '' : ` (${formatDuration(timeoutMs)})`}`;
}

/** Stopping, stopped, killed, skipped, and the project's "still waiting for …". */
function phraseStop(e: Event<'stop'>, facts: FactsOf | undefined): Phrase {
  const why = e.reason && e.reason !== 'requested' ? ` — ${e.reason}` : '';
  if (e.waiting !== undefined && e.waiting.length > 0) {
    const at = e.killAt === undefined ? '' : ` — killing at ${clockTimeOf(e.killAt)}`;
    return { mark: 'warn', text: `still waiting for ${nameList(e.waiting)}${at}` };
  }
  switch (e.state) {
    case 'skipped':
      return { mark: 'skip', text: `skipped: ${e.reason}` };
    case 'stopped': {
      if (!e.forced) return { mark: 'stop', text: `stopped${why}` };
      return { mark: 'fail', text: killedText(e.atOnce, e.timeoutMs ?? facts?.(e.unit)?.stopTimeoutMs) };
    }
    default: {
      if (e.unit === PROJECT_UNIT) return { mark: 'stop', text: `stopping all units${why}…` };
      const signal = e.signal ?? facts?.(e.unit)?.stopSignal;
      return { mark: 'stop', text: `stopping${signal ? ` (${signal})` : ''}${why}…` };
    }
  }
}

/** A watch rule's build step: succeeded, or failed with the old version left running. */
function phraseBuild(e: Event<'build'>): Phrase {
  const took = e.exit ? ` (${formatDuration(e.exit.durationMs)})` : '';
  if (e.ok) return { mark: 'ok', text: `build succeeded${took}` };
  const how = e.exit ? `: ${describeExit(e.exit)}` : '';
  return { mark: 'fail', text: `build failed${how} — targets keep running their previous version` };
}

/** `post_start hook running…`, `post_start hook done (after 1.2s)`, `pre_stop hook failed: timed out after 5s`. */
function phraseHook(e: Event<'hook'>): Phrase {
  if (e.phase === 'start') return { mark: 'info', text: `${e.hook} hook running…` };
  const after = e.durationMs === undefined ? '' : ` (after ${formatDuration(e.durationMs)})`;
  if (e.status === 0) return { mark: 'ok', text: `${e.hook} hook done${after}` };
  return { mark: e.canceled ? 'stop' : 'fail', text: `${e.hook} hook failed: ${describeHookEnd(e)}${after}` };
}
