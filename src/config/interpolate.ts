// `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` and `$$`
// (a literal `$`), as compose reads them. A bare `$NAME` is left alone, for the shell.

/** Looks a variable up in a unit's environment; undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

export interface InterpolationProblem {
  readonly kind: 'undefined' | 'required' | 'syntax';
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

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const FORMS = 'use ${VAR}, ${VAR:-default} or ${VAR:?message}, and write $${ to pass ${ to the shell';

/** Interpolates one string against `lookup`. Problems are reported, never thrown. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  if (!text.includes('$')) return { value: text, problems: [] };
  const problems: InterpolationProblem[] = [];
  const value = expand(text, 0, lookup, problems);
  return { value, problems };
}

/** True when the text holds something to interpolate (so a value can be skipped cheaply). */
export function hasInterpolation(text: string): boolean {
  return text.includes('$');
}

/** Expands `text`; `base` is its index in the outermost string, for problem positions. */
function expand(text: string, base: number, lookup: Lookup, problems: InterpolationProblem[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
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
      const close = findClose(text, dollar + 2);
      if (close === -1) {
        problems.push({ kind: 'syntax', name: '', index: base + dollar, message: `unclosed \`\${\`: ${FORMS}` });
        out += text.slice(dollar);
        break;
      }
      out += substitute(text.slice(dollar + 2, close), base + dollar, lookup, problems);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** The index of the `}` that closes a `${` whose body starts at `start`, or -1. */
function findClose(text: string, start: number): number {
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
function substitute(body: string, index: number, lookup: Lookup, problems: InterpolationProblem[]): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) {
    problems.push({ kind: 'syntax', name: '', index, message: `cannot interpolate \`\${${body}}\`: ${FORMS}` });
    return '';
  }
  const rest = body.slice(name.length);
  const value = lookup(name);
  const op = /^(:-|-|:\?|\?)/.exec(rest)?.[0];
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
  if (op.endsWith('-')) return expand(arg, index + 2 + name.length + op.length, lookup, problems);
  const why = arg.trim() === '' ? `\`\${${name}}\` is required but not set` : `\`\${${name}}\` is required: ${arg.trim()}`;
  problems.push({ kind: 'required', name, index, message: why });
  return '';
}
