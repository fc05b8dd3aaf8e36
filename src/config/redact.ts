// What a probe target looks like wherever procs shows it (events, terminal, logs, errors):
// every value that came from `${…}` interpolation is `***`, and so are a URL's credentials.
// The real target is only ever used to run the probe.
import { interpolate, type Lookup } from './interpolate.js';

const MASK = '***';
/** What `procs config` shows for a value it does not print. */
export const SET = '<set>';

/** True when interpolating `text` puts a variable's value in it (an empty value does not count). */
export function takesValues(text: string, lookup: Lookup): boolean {
  return text.includes('${') && masked(text, lookup) !== masked(text, () => undefined);
}

/** `text` interpolated with every variable's value shown as `***` (an empty value stays empty). */
export function masked(text: string, lookup: Lookup): string {
  return interpolate(text, (name) => {
    const value = lookup(name);
    return value === undefined || value === '' ? value : MASK;
  }).value;
}

/** A URL with its `user:password@` replaced by `***@` (or `mask@`); other text unchanged. */
export function withoutCredentials(url: string, mask = MASK): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${mask}@`);
}

/** Values shorter than this are not masked in a line: they would hide ports and flags, not secrets. */
const MIN_MASKED = 6;

/**
 * `line` with each env value the spec gave the unit (not one it inherited from procs' own
 * environment) that is at least MIN_MASKED long shown as `***`: the line goes into events and
 * `ps`, where no env value may appear: a probe command's last line, a spawn error naming an
 * interpolated path.
 */
export function maskEnvValues(
  line: string,
  env: Readonly<Record<string, string>>,
  inherited: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const values = Object.entries(env)
    .filter(([key, value]) => value.length >= MIN_MASKED && inherited[key] !== value)
    .map(([, value]) => value)
    .sort((a, b) => b.length - a.length);
  let out = line;
  for (const value of values) if (out.includes(value)) out = out.split(value).join('***');
  return out;
}
