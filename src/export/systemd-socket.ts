// `listen:` under systemd: a .socket unit beside the service. systemd binds the addresses, keeps
// them open across the service's restarts, as procs does, and passes them to each run as fd 3…
// with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES (FileDescriptorName=, the owner's name). A pool's
// instances share one socket unit, each naming it in Sockets=.
import { addressText, listenVars } from '../config/listen.js';
import type { ListenSpec } from '../config/spec.js';
import { escapeSpecifiers, type Section } from './systemd-syntax.js';
import type { Notes } from './types.js';

/** The preload of `adopt: node`, as a package specifier: it resolves where procs is installed in the project. */
export const LISTEN_PRELOAD_SPECIFIER = 'procs/listen';

/**
 * The variables procs sets for a run with sockets that systemd does not: PROCS_LISTEN
 * (`3=[::]:3000,…`), and with `adopt: node` NODE_OPTIONS with the preload, after the unit's own.
 */
export function serviceListenVars(spec: ListenSpec, env: Readonly<Record<string, string>>): Record<string, string> {
  return listenVars(spec, env, LISTEN_PRELOAD_SPECIFIER);
}

export interface SocketContext {
  readonly project: string;
  /** The service files that take the sockets; the first is started by a connection while none runs. */
  readonly services: readonly string[];
}

/** The [Unit], [Socket] and [Install] sections of a `listen:` owner's socket unit. */
export function socketSections(spec: ListenSpec, ctx: SocketContext): Section[] {
  const dualStack = spec.addresses.some((a) => a.host === '');
  return [
    [
      'Unit',
      [
        ['Description', escapeSpecifiers(`procs sockets of ${spec.owner} of ${ctx.project}`)],
        ['PartOf', `${ctx.project}.target`],
      ],
    ],
    [
      'Socket',
      [
        ...spec.addresses.map((a): [string, string] => ['ListenStream', addressText(a)]),
        // procs binds the port alone on [::] with IPV6_V6ONLY off, whatever the system default.
        ...(dualStack ? ([['BindIPv6Only', 'both']] as [string, string][]) : []),
        // Always written: systemd's own default is the kernel's maximum, procs' is 511.
        ['Backlog', String(spec.backlog)],
        ['FileDescriptorName', escapeSpecifiers(spec.owner)],
        ['Service', ctx.services[0] ?? ''],
      ],
    ],
    ['Install', [['WantedBy', 'sockets.target']]],
  ];
}

/** Comment lines for the socket file of a pool: what sharing means under systemd. */
export function poolComment(spec: ListenSpec, socket: string, ctx: SocketContext): string {
  return [
    `# The sockets of pool ${spec.owner}, shared by its instances as under procs: ${ctx.services.join(', ')}`,
    `# each name ${socket} in Sockets= and get the same listening sockets as fd 3…, and the kernel`,
    `# gives each connection to one of them. A connection while none runs starts ${ctx.services[0] ?? ''} (Service=).`,
  ].join('\n');
}

/** Notes on a `listen:` owner under systemd. */
export function socketNotes(spec: ListenSpec, socket: string, opts: { pool: boolean; envFiles: boolean }, notes: Notes): void {
  if (opts.pool) {
    notes.add(`${spec.owner}: the pool's instances share ${socket} through Sockets=; a connection while none runs starts instance 0`);
  }
  if (spec.adopt === 'node') {
    const envFile = opts.envFiles ? '; NODE_OPTIONS in an env file would replace it' : '';
    notes.add(
      `${spec.owner}: adopt: node is NODE_OPTIONS=--require ${LISTEN_PRELOAD_SPECIFIER}, which resolves from WorkingDirectory where procs is installed${envFile}`,
    );
  }
}
