// Why a unit is in its state, from the facts procs keeps: its state and reason, the spec's
// dependencies, this run's events, probe answers and last lines. The reasoning is in
// why-explain.ts; this is what it gives and how it reads. Pure.
import type { DependencyCondition } from '../config/spec.js';
import type { ProbeResult, UnitState } from '../events/types.js';
import { printable } from '../base/printable.js';
import { paint } from './why-paint.js';

/** What `procs why UNIT` says of one unit (`--json` prints this). Fields may be added, never renamed. */
export interface Why {
  readonly unit: string;
  /** `unknown` for a name the facts do not know. */
  readonly state: UnitState | 'unknown';
  /** One line: why it is in this state. */
  readonly summary: string;
  /** The state in words when it says more than the state (`running but not ready`). */
  readonly label?: string;
  /** When it came to this state (ISO-8601), when known. */
  readonly since?: string;
  readonly pid?: number;
  readonly restarts?: number;
  /** More lines about it: its last exit, what restarted or stopped it, its next run… */
  readonly details?: readonly string[];
  /** How its last run ended. */
  readonly exit?: WhyExit;
  /** Its last lines, oldest first (failed, backoff, and a failed dependency). */
  readonly lines?: readonly string[];
  /** Its latest probe answers. */
  readonly probes?: readonly ProbeResult[];
  /** Pending: the dependency it waits for, and on which condition. */
  readonly waiting_for?: { readonly unit: string; readonly condition: DependencyCondition };
  /** Backoff: when it starts again and which attempt that is. */
  readonly backoff?: { readonly until: string; readonly attempt: number; readonly max_restarts: number | null };
  /** Its last restart, and what did it. */
  readonly restarted?: WhyCause;
  /** Stopped, stopping: what stopped it. */
  readonly stopped?: WhyCause;
  /** The unit its state comes from (what a pending unit waits for, what a skipped one needed), explained in turn. */
  readonly cause?: Why;
}

export interface WhyExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** In words: `exited with code 1`. */
  readonly text: string;
  /** When (ISO-8601), when known. */
  readonly at?: string;
}

/** What stopped or restarted a unit. */
export interface WhyCause {
  /** When (ISO-8601). */
  readonly at: string;
  /** The reason the event gave (`stopped on request`, `files changed (src)`, `db restarted`, `requested`). */
  readonly reason: string;
  /** Who, in words: `procs stop`, `a reload (the spec changed)`, `watch rule src`, `procs stopping every unit: SIGTERM received`. */
  readonly by: string;
  /** A watch rule's restart: the rule and the files that changed. */
  readonly rule?: string;
  readonly paths?: readonly string[];
}

/** The text of one `why`: its headline, its details, then its cause indented, down the chain. */
export function whyText(why: Why, options: { readonly color?: boolean } = {}): string {
  return lines(why, '', options.color === true).join('\n') + '\n';
}

function lines(why: Why, indent: string, color: boolean): string[] {
  const label = why.label ?? why.state;
  const head = `${indent}${paint(printable(why.unit), 'bold', color)} is ${paint(label, why.state, color)}${why.summary ? `: ${printable(why.summary)}` : ''}`;
  const out = [head];
  const more = `${indent}  `;
  for (const d of why.details ?? []) out.push(`${more}${printable(d)}`);
  if (why.lines && why.lines.length > 0) {
    out.push(`${more}last lines:`);
    for (const l of why.lines) out.push(`${more}  ${paint('│', 'dim', color)} ${printable(l)}`);
  }
  if (why.cause) out.push(...lines(why.cause, more, color));
  return out;
}
