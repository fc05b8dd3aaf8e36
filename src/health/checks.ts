import { connect } from 'node:net';
import { request } from 'node:http';
import type { ProbeCheck, UnitSpec } from '../config/spec.js';
import type { OneShotRunner } from '../runtime/one-shot.js';
import { errorText } from './error-text.js';
import type { Check, CheckResult } from './probe-runner.js';

/** A TCP connect: healthy once the port accepts a connection. `shown` is the target as shown. */
function tcpCheck(host: string, port: number, shown = `${host}:${port}`): Check {
  return (signal) =>
    new Promise<CheckResult>((resolve) => {
      const socket = connect({ host, port });
      const done = (r: CheckResult): void => {
        socket.destroy();
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const onAbort = (): void => done({ ok: false, detail: `tcp ${shown}: no answer` });
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('connect', () => done({ ok: true, detail: `tcp ${shown} accepts connections` }));
      socket.once('error', (err) => done({ ok: false, detail: `tcp ${shown}: ${errorText(err)}` }));
    });
}

/**
 * An HTTP GET: healthy on a 2xx or 3xx answer (redirects are not followed). `shown` is the URL
 * as shown, without its secrets.
 */
export function httpCheck(url: string, shown = url): Check {
  return (signal) =>
    new Promise<CheckResult>((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ ok: false, detail: `not a URL: ${shown}` });
        return;
      }
      // node:https (with tls and crypto) loads only for an https check: it costs every start ~10 ms.
      const send = target.protocol === 'https:' ? process.getBuiltinModule('node:https').request : request;
      const req = send(target, { method: 'GET', signal, headers: { 'user-agent': 'procs-probe' } }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve({ ok: code >= 200 && code < 400, detail: `GET ${shown} → ${code}` });
      });
      req.once('error', (err) => resolve({ ok: false, detail: `GET ${shown}: ${errorText(err)}` }));
      req.end();
    });
}

/**
 * A command with the unit's env and cwd, run by `runOneShot`: healthy when it exits 0. The probe's
 * abort (its timeout) kills the command's whole group.
 */
export function execCheck(unit: UnitSpec, command: Extract<ProbeCheck, { kind: 'exec' }>['command'], runOneShot: OneShotRunner): Check {
  return async (signal) => {
    const r = await runOneShot(command, { cwd: unit.cwd, env: unit.env, signal });
    // A command that could not start counts as `exit 127`, whatever the reason.
    const status = r.error !== undefined ? 127 : r.status;
    return { ok: status === 0, detail: status === 0 ? 'exec: exit 0' : `exec: ${status === null ? 'timed out' : `exit ${status}`}` };
  };
}

/**
 * The real check for a probe, or undefined for `log` probes (they watch output instead); `exec`
 * probes run through `runOneShot`.
 */
export function checkFor(unit: UnitSpec, check: ProbeCheck, runOneShot: OneShotRunner): Check | undefined {
  switch (check.kind) {
    case 'tcp':
      return tcpCheck(check.host, check.port, check.display);
    case 'http':
      return httpCheck(check.url, check.display);
    case 'exec':
      return execCheck(unit, check.command, runOneShot);
    case 'log':
    case 'notify':
      return undefined;
  }
}
