// `--report DIR`: report.md and the post-mortem bundle beside it — events.ndjson (this run's
// events), logs/<unit>.log (each unit's log tail), why/<unit>.txt (`procs why` of each unit not
// up) and spec.yaml (the resolved spec, values shown as `<set>`). The folder is made private
// (0700) when missing, files are 0600 and never written through a link planted in their place.
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { printable } from '../base/printable.js';
import type { Spec } from '../config/spec.js';
import type { ProcsEvent } from '../events/types.js';
import { whyText, type Why } from '../output/why.js';
import type { ReportRequest } from './options.js';
import type { ReportSource } from './report-source.js';

/** Log lines of each unit kept in the bundle. */
export const BUNDLE_LOG_LINES = 500;

export interface Bundle {
  readonly markdown: string;
  readonly events: readonly ProcsEvent[];
  /** The units in the report. */
  readonly units: readonly string[];
  /** `procs why` of each unit not up. */
  readonly whys: readonly Why[];
  readonly spec: Spec;
  readonly source: ReportSource;
  readonly request: ReportRequest;
}

/** A unit's name as a file name: anything but letters, digits, `_`, `.` and `-` becomes `_`; never `.` or `..`. */
export function fileNameOf(unit: string): string {
  const name = unit.replace(/[^A-Za-z0-9_.-]/g, '_');
  return name === '.' || name === '..' || name === '' ? `_${name}` : name;
}

/** Writes `text` to `path` (created 0600, replaced when there, a symlink refused). */
async function writePrivate(path: string, text: string): Promise<void> {
  const file = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    await file.writeFile(text);
  } finally {
    await file.close();
  }
}

/** The run's start (epoch ms) from its `start` event, when the events hold it. */
function startOf(events: readonly ProcsEvent[]): number | undefined {
  const start = events.find((e) => e.type === 'start');
  const at = start ? Date.parse(start.ts) : NaN;
  return Number.isFinite(at) ? at : undefined;
}

/** Writes the bundle into `dir`; a failure is said on `err` and ends the writing there. */
export async function writeBundle(dir: string, b: Bundle, err: Writable): Promise<void> {
  try {
    await mkdir(join(dir, 'logs'), { recursive: true, mode: 0o700 });
    await mkdir(join(dir, 'why'), { recursive: true, mode: 0o700 });
    await writePrivate(join(dir, 'report.md'), b.markdown);
    await writePrivate(join(dir, 'events.ndjson'), b.events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    const since = startOf(b.events);
    for (const unit of b.units) {
      const lines = await b.source.logTail(unit, BUNDLE_LOG_LINES, since);
      await writePrivate(join(dir, 'logs', `${fileNameOf(unit)}.log`), lines.map((l) => `${l}\n`).join(''));
    }
    for (const why of b.whys) await writePrivate(join(dir, 'why', `${fileNameOf(why.unit)}.txt`), whyText(why));
    await writePrivate(join(dir, 'spec.yaml'), await b.request.specText(b.spec));
  } catch (e) {
    err.write(`procs: cannot write the report in ${printable(dir)}: ${printable(e instanceof Error ? e.message : String(e))}\n`);
  }
}
