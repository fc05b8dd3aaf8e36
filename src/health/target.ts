// A probe's target as answers show it, from the spec's masked `display` form: interpolated values
// and URL credentials are `***` there, so no secret travels with an answer.
import type { ProbeCheck } from '../config/spec.js';

export type CheckKind = 'http' | 'tcp' | 'exec' | 'log';

/** What a probe checks, as shown: `GET http://127.0.0.1:3000/health`, `tcp 127.0.0.1:5432`, `exec pg_isready`, `log /ready/`. */
export function shownTarget(check: ProbeCheck): string {
  switch (check.kind) {
    case 'http':
      return `GET ${check.display}`;
    case 'tcp':
      return `tcp ${check.display}`;
    case 'exec':
      return `exec ${check.display}`;
    case 'log':
      return `log /${check.display}/`;
    case 'notify':
      return 'notify';
  }
}

/**
 * Whether the shown form of an http or tcp target has its host and port in plain text (nothing
 * of them masked), so that an error may name the address it reached. Unsure means no.
 */
export function hostShown(check: ProbeCheck): boolean {
  if (check.kind === 'tcp') return !check.display.includes('*');
  if (check.kind !== 'http') return false;
  const url = URL.parse(check.display);
  return url !== null && url.hostname !== '' && !url.hostname.includes('*') && !url.port.includes('*');
}

/** A duration as a timeout is written: `1s`, `1.5s`, `500ms`. */
export function durationText(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
