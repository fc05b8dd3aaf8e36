// `listen:` on a process or pool: the TCP addresses procs binds for it, parsed and checked.
// The first address's port is the unit's PORT and what `${ports.NAME}` names.
import type { Context } from './context.js';
import type { ListenAddress, ListenSpec } from './spec.js';
import type { Listen, ListenAddress as RawAddress } from './spec-types.generated.js';
import { describePath, valuePos, type PathSeg } from './tree.js';

/** The backlog of a listening socket without `backlog:` (Node's own default). */
export const DEFAULT_BACKLOG = 511;

/** At most this many sockets per unit. */
const MAX_ADDRESSES = 16;

/** `listen:`'s address list as written, whatever its form. */
function rawAddresses(raw: Listen): { list: readonly RawAddress[]; where: PathSeg[]; isList: boolean } {
  const full = typeof raw === 'object' && !Array.isArray(raw);
  const addresses = full ? raw.address : raw;
  const isList = Array.isArray(addresses);
  return { list: isList ? addresses : [addresses], where: full ? ['address'] : [], isList };
}

/** The port `listen:` gives the unit (its first address's), without checking; for `${ports.NAME}`. */
export function listenPort(raw: Listen | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const first = rawAddresses(raw).list[0];
  const port = typeof first === 'number' ? first : Number(/(\d{1,5})$/.exec(first ?? '')?.[1]);
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? port : undefined;
}

// node:net's isIP, taken when an address is checked: loading node:net (and the streams under it)
// costs every command that reads a spec, most of which never bind or check an address.
function isIP(host: string): number {
  return process.getBuiltinModule('node:net').isIP(host);
}

// One address, or why it is none.
function parseAddress(raw: RawAddress): ListenAddress | string {
  if (typeof raw === 'number') return { host: '', port: raw };
  const m = /^(?:(\[[^\]]*\]|[^:]*):)?(\d{1,5})$/.exec(raw);
  if (m === null) return 'is not a port or HOST:PORT (an IPv6 address goes in brackets: `[::1]:3000`)';
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `has port ${port}, outside 1-65535`;
  let host = m[1] ?? '';
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (host === 'localhost') host = '127.0.0.1';
  if (host === '*') host = '';
  if (host !== '' && isIP(host) === 0)
    return `has host ${JSON.stringify(host)}: write an IP address (or localhost), as procs binds it before any name is resolved`;
  if (m[1]?.startsWith('[') === false && isIP(host) === 6) return 'writes an IPv6 address without brackets: `[::1]:3000`';
  return { host, port };
}

/** The normalized `listen:` of `owner` (written at `where`), errors reported into `ctx`. */
export function listenSpec(ctx: Context, owner: string, raw: Listen, where: PathSeg[]): ListenSpec {
  const { list, where: sub, isList } = rawAddresses(raw);
  const addresses: ListenAddress[] = [];
  list.forEach((item, i) => {
    const at = [...where, ...sub, ...(isList ? [i] : [])];
    const parsed = parseAddress(item);
    if (typeof parsed === 'string') {
      ctx.diags.error(valuePos(ctx.tree, at), `${describePath(at)} ${parsed}`);
      return;
    }
    const clash = addresses.find((a) => a.port === parsed.port && (a.host === parsed.host || a.host === '' || parsed.host === ''));
    if (clash !== undefined) ctx.diags.error(valuePos(ctx.tree, at), `${describePath(at)}: port ${parsed.port} is already in this list`);
    else addresses.push(parsed);
  });
  if (list.length > MAX_ADDRESSES) ctx.diags.error(valuePos(ctx.tree, where), `${describePath(where)}: at most ${MAX_ADDRESSES} addresses`);
  const full = typeof raw === 'object' && !Array.isArray(raw) ? raw : undefined;
  return { owner, addresses, adopt: full?.adopt ?? 'none', backlog: full?.backlog ?? DEFAULT_BACKLOG };
}

/** An address as written in a spec or a ListenStream=: the port alone for every address, else HOST:PORT (IPv6 in brackets). */
export function addressText(a: ListenAddress): string {
  if (a.host === '') return String(a.port);
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** An address as bound, for PROCS_LISTEN and messages: every address is `[::]:PORT`. */
export function boundText(a: ListenAddress): string {
  return a.host === '' ? `[::]:${a.port}` : addressText(a);
}

/**
 * What procs adds to a run's variables beside systemd's LISTEN_*: PROCS_LISTEN (`3=[::]:3000,…`,
 * for procs/listen behind wrappers such as npm, whose pid is not the server's) and, with
 * `adopt: node`, `--require PRELOAD` after the unit's own NODE_OPTIONS (once).
 */
export function listenVars(spec: ListenSpec, env: Readonly<Record<string, string>>, preload: string): Record<string, string> {
  const vars: Record<string, string> = { PROCS_LISTEN: spec.addresses.map((a, i) => `${3 + i}=${boundText(a)}`).join(',') };
  if (spec.adopt === 'node') {
    const option = `--require ${preload}`;
    const current = env.NODE_OPTIONS ?? '';
    vars.NODE_OPTIONS = current.includes(option) ? current : `${current === '' ? '' : `${current} `}${option}`;
  }
  return vars;
}
