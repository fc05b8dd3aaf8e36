import { connect } from 'node:net';
import type { ProbeCheck, UnitSpec } from '../config/spec.js';
import type { OneShotResult, OneShotRunner } from '../runtime/one-shot.js';
import { errorPlace, errorText } from './error-text.js';
import type { Check, CheckResult } from './probe-runner.js';
import { hostShown } from './target.js';
import { maskEnvValues } from '../config/redact.js';

// Details say what a check saw, never what it checked (the answer carries the target as shown):
// `connect ECONNREFUSED 127.0.0.1:3000`, `HTTP 503`, `exit 1: no such table`.

/** A network failure: what failed (`connect ECONNREFUSED`), and where when the target as shown names its host. */
function failure(err: unknown, showHost: boolean): CheckResult {
  const where = errorPlace(err, showHost);
  return { ok: false, detail: errorText(err), ...(where === undefined ? {} : { where }) };
}

/**
 * A TCP connect: healthy once the port accepts a connection. `showHost`: the target as shown
 * has its host in plain text, so a failure may name the address.
 */
function tcpCheck(host: string, port: number, showHost: boolean): Check {
  return (signal) =>
    new Promise<CheckResult>((resolve) => {
      const socket = connect({ host, port });
      const done = (r: CheckResult): void => {
        socket.destroy();
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => done({ ok: false, detail: 'no answer' });
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => done({ ok: true, detail: 'accepts connections' }));
      socket.once('error', (err) => done(failure(err, showHost)));
    });
}

/**
 * An HTTP GET: healthy on a 2xx or 3xx answer (redirects are not followed). `showHost`: the URL
 * as shown has its host and port in plain text, so a failure may name the address.
 */
export function httpCheck(url: string, showHost = false): Check {
  return (signal) =>
    new Promise<CheckResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ ok: false, detail: 'not a URL' });
        return;
      }
      // node:https (with tls and crypto) loads only for an https check: it costs every start ~10 ms;
      // node:http only for an http one (1.3 MB resident).
      const send = target.protocol === 'https:' ? process.getBuiltinModule('node:https').request : process.getBuiltinModule('node:http').request;
      const req = send(target, { method: 'GET', signal, headers: { 'user-agent': 'procs-probe' } }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, detail: `HTTP ${code}` });
      });
      req.once('error', (err) => resolve(failure(err, showHost)));
      req.end();
    });
}

/** How much of each stream an exec probe keeps (its end), and of its last line it shows. */
const EXEC_TAIL_CHARS = 1000;
const EXEC_LINE_CHARS = 200;

/**
 * The last non-empty line a command wrote: stderr's when it wrote any
 * (where commands explain a failure), else stdout's.
 */
function lastLine(r: OneShotResult): string | undefined {
  for (const text of [r.stderr, r.stdout]) {
    const line = text
      .split('\n')
      .map((l) => l.replace(/\r$/, '').trim())
      .findLast((l) => l !== '');
    if (line !== undefined) return line;
  }
  return undefined;
}

/**
 * A command with the unit's env and cwd, run by `runOneShot`: healthy when it exits 0. The probe's
 * abort (its timeout) kills the command's whole group. A failure shows the status and the last line
 * the command wrote (`exit 1: no such table`), the unit's env values in it masked.
 */
export function execCheck(unit: UnitSpec, command: Extract<ProbeCheck, { kind: 'exec' }>['command'], runOneShot: OneShotRunner): Check {
  return async (signal) => {
    const r = await runOneShot(command, { cwd: unit.cwd, env: unit.env, signal, capture: { maxChars: EXEC_TAIL_CHARS, keep: 'end' } });
    // A command that could not start counts as `exit 127`, whatever the reason.
    const status = r.error !== undefined ? 127 : r.status;
    if (status === 0) return { ok: true, detail: 'exit 0' };
    if (status === null) return { ok: false, detail: 'timed out' };
    const line = lastLine(r);
    // Masked whole, then cut: a value cut in two would not be found.
    const shown = line === undefined ? undefined : maskEnvValues(line, unit.env);
    const said = r.error ?? (shown === undefined || shown.length <= EXEC_LINE_CHARS ? shown : `${shown.slice(0, EXEC_LINE_CHARS - 1)}…`);
    return { ok: false, detail: said === undefined ? `exit ${status}` : `exit ${status}: ${said}` };
  };
}

/**
 * The real check for a probe, or undefined for `log` probes (they watch output instead); `exec`
 * probes run through `runOneShot`.
 */
export function checkFor(unit: UnitSpec, check: ProbeCheck, runOneShot: OneShotRunner): Check | undefined {
  switch (check.kind) {
    case 'tcp':
      return tcpCheck(check.host, check.port, hostShown(check));
    case 'http':
      return httpCheck(check.url, hostShown(check));
    case 'exec':
      return execCheck(unit, check.command, runOneShot);
    case 'log':
    case 'notify':
      return undefined;
  }
}
