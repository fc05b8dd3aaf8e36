// A scenario's part of RESULTS.md, and the shared shape of a scenario.
import type { Tool } from './tools.js';

export interface Section {
  readonly title: string;
  /** Markdown: a table and its notes. */
  readonly body: string;
  /** One line per target: what it asks, the figure, met or not. */
  readonly targets: readonly string[];
  /** The raw figures per tool, for `--compare`: one entry per metric and tool. */
  readonly samples?: readonly Sample[];
  /** Files the scenario made (a chart), written next to RESULTS.md. */
  readonly files?: readonly { readonly name: string; readonly text: string }[];
}

/** One metric's runs for one tool. */
export interface Sample {
  /** What is measured, with its unit: `start, N=100 (ms)`. */
  readonly metric: string;
  readonly tool: string;
  readonly values: readonly number[];
  /** Whether a lower figure (a time) or a higher one (a rate) is the better. */
  readonly better: 'lower' | 'higher';
}

export interface ScenarioOptions {
  /** Runners available here (procs first), with baselines handled by each scenario. */
  readonly tools: readonly Tool[];
  /** Rounds for scenarios that repeat; each scenario also stops at its own time budget. */
  readonly reps: number;
  /** Prints progress. */
  readonly log: (text: string) => void;
}

/** A markdown table from a header and rows. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `met` / `MISSED` for a target line. */
export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
