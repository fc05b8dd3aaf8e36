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
