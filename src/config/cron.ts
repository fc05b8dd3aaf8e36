// Cron expressions as procs accepts them, checked field by field so that a mistake is reported at
// the field where it is written. The next run times come from croner at run time
// (app/schedule-clock.ts); this file only says whether an expression is one procs runs, and
// splits it into fields for the exports. Pure: no library, no clock.

/** One field of an expression: its name, its bounds, and the names it takes. */
interface FieldDef {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** `?` is taken for "any" (day of month and day of week). */
  readonly any?: boolean;
}

const SECOND: FieldDef = { name: 'second', min: 0, max: 59 };
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIVE: readonly FieldDef[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31, any: true },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in most crons.
  { name: 'day-of-week', min: 0, max: 7, names: DAYS, any: true },
];

/** The nicknames procs takes, and the five fields each stands for. */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A field as written, and where it starts in the expression (0-based). */
export interface CronField {
  readonly name: string;
  readonly text: string;
  readonly index: number;
}

/** A problem in an expression; `index` is where in the text it is (0-based). */
export interface CronProblem {
  readonly index: number;
  readonly message: string;
}

/** Splits an expression into its fields (nicknames expanded, at index 0), or says what is wrong. */
export function cronFields(expr: string): { fields: CronField[] } | { problem: CronProblem } {
  const lead = expr.length - expr.trimStart().length;
  const trimmed = expr.trim();
  if (trimmed.startsWith('@')) {
    const five = CRON_NICKNAMES[trimmed.toLowerCase()];
    if (five === undefined) return { problem: { index: lead, message: `unknown nickname \`${trimmed}\`: use ${Object.keys(CRON_NICKNAMES).join(', ')}` } };
    return { fields: five.split(' ').map((text, i) => ({ name: FIVE[i]?.name ?? '', text, index: lead })) };
  }
  const words: { text: string; index: number }[] = [];
  for (const m of expr.matchAll(/\S+/g)) words.push({ text: m[0], index: m.index });
  if (words.length !== 5 && words.length !== 6) {
    return {
      problem: {
        index: lead,
        message: `has ${words.length} field${words.length === 1 ? '' : 's'}: write five (minute hour day-of-month month day-of-week), or six with seconds first`,
      },
    };
  }
  const defs = words.length === 6 ? [SECOND, ...FIVE] : FIVE;
  return { fields: words.map((w, i) => ({ name: defs[i]?.name ?? '', ...w })) };
}

/** The first problem in an expression, or undefined when procs can run it. */
export function cronProblem(expr: string): CronProblem | undefined {
  const split = cronFields(expr);
  if ('problem' in split) return split.problem;
  const defs = split.fields.length === 6 ? [SECOND, ...FIVE] : FIVE;
  for (const [i, field] of split.fields.entries()) {
    const def = defs[i];
    const message = def && fieldProblem(def, field.text);
    if (message) return { index: field.index, message: `${def.name} field \`${field.text}\` ${message}` };
  }
  return undefined;
}

// What is wrong with one field, in words that follow "minute field `61` …".
function fieldProblem(def: FieldDef, text: string): string | undefined {
  for (const item of text.split(',')) {
    const problem = itemProblem(def, item);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(def: FieldDef, item: string): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined || item === '') return `is not valid: write a value, a range a-b, a list a,b or a step */n`;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) return `has a bad step \`/${step}\`: write a whole number above 0`;
  if (range === '*' || (def.any === true && range === '?')) return undefined;
  const [from = '', to, more] = range.split('-');
  if (more !== undefined) return `is not valid: a range is written a-b`;
  const a = value(def, from);
  if (typeof a === 'string') return a;
  if (to === undefined) return undefined;
  const b = value(def, to);
  if (typeof b === 'string') return b;
  if (b < a) return `has a range that goes backwards (${from}-${to})`;
  return undefined;
}

// A number or a name within the field's bounds, or what is wrong with it.
function value(def: FieldDef, text: string): number | string {
  const named = def.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return def.names === MONTHS ? named + 1 : named;
  const bounds = `(${def.min}–${def.max}${def.names ? `, or ${def.names[0]}–${def.names.at(-1)}` : ''})`;
  if (!/^\d+$/.test(text)) return `is not valid: \`${text}\` is not a number ${bounds}`;
  const n = Number(text);
  if (n < def.min || n > def.max) return `is out of range ${bounds}`;
  return n;
}
