// The syntax of systemd unit files: sections of `Key=value` lines, command lines quoted per
// systemd's rules (`%` specifiers, `$` variables, C escapes), and Environment= assignments.

export type Section = readonly [name: string, entries: readonly (readonly [key: string, value: string])[]];

/** `%` starts a specifier in almost every value: `%%` is a literal `%`. */
export function escapeSpecifiers(text: string): string {
  return text.replaceAll('%', '%%');
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** C-style escapes for what cannot stand inside double quotes as it is. */
function cEscape(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    out += NAMED_ESCAPES[c] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : c);
  }
  return out;
}

/** One word of an Exec*= line: plain when it can be, else double-quoted with `%`, `$` and C escapes. */
function execWord(word: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(word)) return word;
  if (word === ';') return '\\;';
  return `"${cEscape(escapeSpecifiers(word)).replaceAll('$', '$$$$')}"`;
}

/** An Exec*= command line from an argv. */
export function execLine(argv: readonly string[]): string {
  return argv.map(execWord).join(' ');
}

/** An Environment= value: the whole assignment quoted (no `$` expansion there, `%` specifiers yes). */
export function envAssignment(name: string, value: string): string {
  return `"${cEscape(escapeSpecifiers(`${name}=${value}`))}"`;
}

/** The text of a unit file from its sections, each entry one line; empty sections are left out. */
export function unitText(header: string, sections: readonly Section[]): string {
  const blocks = sections
    .filter(([, entries]) => entries.length > 0)
    .map(([name, entries]) => [`[${name}]`, ...entries.map(([k, v]) => `${k}=${v}`)].join('\n'));
  return `${header}\n${blocks.join('\n\n')}\n`;
}
