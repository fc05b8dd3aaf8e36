// What every request to the dashboard must pass before anything else, because a browser is a
// shared place: other sites' pages can make it send requests to 127.0.0.1, and a DNS name of
// theirs can be pointed at it (DNS rebinding). So the Host must name this server, an Origin (when
// sent) must be this server's, a request another site made (Sec-Fetch-Site) is refused, and the
// session cookie (or, on a GET, the token of the printed URL) must be presented.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { cookieName, TOKEN_PARAM } from './protocol.js';

/** The headers every answer carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/** The names this server answers to: the Host (and Origin, after `http://`) a request must carry. */
export function hostNames(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `[::1]:${port}`, `localhost:${port}`]);
}

/** Why a request is refused before authentication (403), or undefined when it may go on. */
export function foreignRequest(req: IncomingMessage, hosts: ReadonlySet<string>): string | undefined {
  const host = req.headers.host;
  if (host === undefined || !hosts.has(host.toLowerCase())) return 'this server answers only to its own address (the Host header names another)';
  const origin = req.headers.origin;
  if (origin !== undefined && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length).toLowerCase())))
    return 'requests from other sites are refused (Origin)';
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return 'requests from other sites are refused (Sec-Fetch-Site)';
  return undefined;
}

/**
 * Whether two secrets are equal, in time that does not tell how much of them matched. node:crypto
 * is loaded on the first request, not with procs (see settings.ts, newToken).
 */
export function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && process.getBuiltinModule('node:crypto').timingSafeEqual(a, b);
}

/** Whether the request carries the session cookie of this port with the token. */
export function hasSession(req: IncomingMessage, port: number, token: string): boolean {
  const header = req.headers.cookie;
  if (header === undefined) return false;
  const name = cookieName(port);
  let ok = false;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    if (sameSecret(part.slice(eq + 1).trim(), token)) ok = true;
  }
  return ok;
}

/**
 * A GET with the right `?token=`: the cookie is set and the browser sent to the same URL without
 * the token (so it stays out of the history and of what the page can read). Returns whether it
 * answered.
 */
export function exchangeToken(req: IncomingMessage, res: ServerResponse, url: URL, port: number, token: string): boolean {
  if (req.method !== 'GET') return false;
  const given = url.searchParams.get(TOKEN_PARAM);
  if (given === null || !sameSecret(given, token)) return false;
  const rest = new URLSearchParams(url.searchParams);
  rest.delete(TOKEN_PARAM);
  const query = rest.toString();
  // Never `//host…`: a browser would take that for another site.
  const path = url.pathname.startsWith('//') ? '/' : url.pathname;
  res.writeHead(303, {
    location: `${path}${query === '' ? '' : `?${query}`}`,
    'set-cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
    'cache-control': 'no-store',
    'content-length': 0,
  });
  res.end();
  return true;
}

/** The page a browser gets without the cookie. */
export const LOGIN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>procs dashboard</title></head>
<body><h1>procs dashboard</h1>
<p>This page needs its token: open the URL that <code>procs dashboard</code> prints (it ends in <code>?token=…</code>).</p>
</body></html>
`;
