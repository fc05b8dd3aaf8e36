// The log filter: text (lines containing it, case-sensitive) or `/regex/` (a JS RegExp), as the
// page's `q` URL parameter and /api/logs' `q` take it.

export type Filter =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'regex'; readonly re: RegExp }
  | { readonly kind: 'invalid'; readonly error: string };

/** Reads a filter as typed: empty is none, `/…/` a regular expression, anything else text. */
export function parseFilter(q: string): Filter {
  if (q === '') return { kind: 'none' };
  if (q.length >= 2 && q.startsWith('/') && q.endsWith('/')) {
    try {
      return { kind: 'regex', re: new RegExp(q.slice(1, -1)) };
    } catch (e) {
      return { kind: 'invalid', error: e instanceof Error ? e.message : String(e) };
    }
  }
  return { kind: 'text', text: q };
}

/** Whether a line (its text without escape sequences) passes the filter. An invalid filter passes nothing. */
export function matches(f: Filter, plain: string): boolean {
  switch (f.kind) {
    case 'none':
      return true;
    case 'text':
      return plain.includes(f.text);
    case 'regex':
      return f.re.test(plain);
    case 'invalid':
      return false;
  }
}
