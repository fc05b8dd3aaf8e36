// Text a user wrote, made safe to echo on a terminal: control characters (C0, DEL, C1) become
// visible escapes, so that a name or value holding ESC[2J, a newline or a NUL can neither drive
// the terminal nor forge a line of output. Every message that echoes such text goes through here.

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `s` with every control character shown as `\n`, `\t`, `\0` or `\xHH`. */
export function printable(s: string): string {
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
