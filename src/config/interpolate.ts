// `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$`
// (a literal `$`), as compose reads them. A bare `$NAME` is left alone, for the shell. Braces in a
// default or message nest: `${JSON:-{"a":1}}` is `{"a":1}` when JSON is unset. A value may expand
// to at most `maxChars`, and all values of a load together to what their budget allows.
import { MAX_EXPANDED_BYTES, sizeText, type ExpansionBudget } from './limits.js';

/** Looks a variable up in a unit's environment; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface InterpolationProblem {
  readonly kind: 'undefined' | 'required' | 'syntax' | 'size' | 'port';
  /** The variable concerned ('' for syntax problems without one). */
  readonly name: string;
  /** Index in the text of the `${` concerned. */
  readonly index: number;
  /** Never contains a variable's value. */
  readonly message: string;
}

export interface Interpolated {
  readonly value: string;
  readonly problems: readonly InterpolationProblem[];
}

/** How much interpolation may produce. */
export interface ExpansionLimits {
  /** Characters one value may expand to. */
  readonly maxChars: number;
  /** Shared by every value of a load; each expanded value is charged to it. */
  readonly budget?: ExpansionBudget;
}

// A variable, or `ports.UNIT` (a process, or a pool's instance `POOL.I`): another unit's port.
const NAME = /^(?:ports\.[A-Za-z0-9_][A-Za-z0-9_.-]*[A-Za-z0-9_]|ports\.[A-Za-z0-9_]|[A-Za-z_][A-Za-z0-9_]*)/;
const FORMS = 'use ${VAR}, ${VAR:-default} or ${VAR:?message}, and write $${ to pass ${ to the shell';

/** Thrown inside `expand` when a value outgrows its limit; caught in `interpolate`. */
const TOO_LARGE = new Error('the value outgrew its limit');

/** Interpolates one string against `lookup`. Problems are reported, never thrown. */
export function interpolate(text: string, lookup: Lookup, limits?: ExpansionLimits): Interpolated {
  if (!text.includes('$')) return { value: text, problems: [] };
  const budget = limits?.budget;
  // Once the load's budget is spent (and reported), nothing more is expanded. The text stands for
  // the value (never used: the spec has an error), so that no check reports it empty.
  if (budget?.spent) return { value: text, problems: [] };
  const problems: InterpolationProblem[] = [];
  const max = Math.min(limits?.maxChars ?? Infinity, budget?.left ?? Infinity);
  let value: string;
  try {
    value = expand(text, 0, lookup, problems, max);
  } catch (err) {
    if (err !== TOO_LARGE) throw err;
    const overBudget = budget !== undefined && budget.left < (limits?.maxChars ?? Infinity);
    if (overBudget) budget.spent = true;
    const message = overBudget
      ? `with this value, the spec's values add up to more than ${sizeText(MAX_EXPANDED_BYTES)} once interpolated`
      : `expands to more than ${sizeText(limits?.maxChars ?? 0)} once interpolated`;
    return { value: text, problems: [{ kind: 'size', name: '', index: 0, message }] };
  }
  if (budget) budget.left -= value.length;
  return { value, problems };
}

/** Expands `text`; `base` is its index in the outermost string, for problem positions. */
function expand(text: string, base: number, lookup: Lookup, problems: InterpolationProblem[], max: number): string {
  let out = '';
  let i = 0;
  let closes: Map<number, number> | undefined;
  while (i < text.length) {
    if (out.length > max) throw TOO_LARGE;
    const dollar = text.indexOf('$', i);
    if (dollar === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      // Braces nest (`${J:-{"a":{}}}`); when they do not balance, the first `}` outside any inner
      // `${ }` closes, as compose has it (`${X:-{}` defaults to `{`).
      closes ??= matchBraces(text);
      const close = closes.get(dollar + 1) ?? firstClose(text, dollar + 2);
      if (close === -1) {
        problems.push({ kind: 'syntax', name: '', index: base + dollar, message: `unclosed \`\${\`: ${FORMS}` });
        out += text.slice(dollar);
        break;
      }
      out += substitute(text.slice(dollar + 2, close), base + dollar, lookup, problems, max);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  if (out.length > max) throw TOO_LARGE;
  return out;
}

/**
 * For each `{` of `text` (a `${`'s or a bare one), the index of the `}` that closes it, braces
 * nesting; unbalanced ones have none. One pass, so that a value full of `${` stays linear.
 */
function matchBraces(text: string): Map<number, number> {
  const closes = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '{') open.push(i);
    else if (c === '}' && open.length > 0) closes.set(open.pop()!, i);
  }
  return closes;
}

/** The first `}` outside any inner `${ }` (compose's rule), or -1. */
function firstClose(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Replaces one `${BODY}` found at `index`. */
function substitute(body: string, index: number, lookup: Lookup, problems: InterpolationProblem[], max: number): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) {
    problems.push({ kind: 'syntax', name: '', index, message: `cannot interpolate \`\${${body}}\`: ${FORMS}` });
    return '';
  }
  const rest = body.slice(name.length);
  const value = lookup(name);
  const op = /^(:-|-|:\?|\?)/.exec(rest)?.[0];
  if (value === undefined && name.startsWith('ports.')) {
    problems.push({ kind: 'port', name, index, message: `\`\${${name}}\` names no unit with a port` });
    return '';
  }
  if (rest === '') {
    if (value === undefined) {
      problems.push({ kind: 'undefined', name, index, message: `\`\${${name}}\` is not set; using an empty string` });
    }
    return value ?? '';
  }
  if (op === undefined) {
    problems.push({ kind: 'syntax', name, index, message: `cannot interpolate \`\${${body}}\`: ${FORMS}` });
    return '';
  }
  const arg = rest.slice(op.length);
  const missing = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
  if (!missing) return value ?? '';
  if (op.endsWith('-')) return expand(arg, index + 2 + name.length + op.length, lookup, problems, max);
  const why = arg.trim() === '' ? `\`\${${name}}\` is required but not set` : `\`\${${name}}\` is required: ${arg.trim()}`;
  problems.push({ kind: 'required', name, index, message: why });
  return '';
}
