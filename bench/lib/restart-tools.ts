// The contestants of the restart-drops scenario: one Node HTTP server on PORT, restarted when one
// watched file changes, with the same debounce where the tool has one. procs runs twice: with
// `listen:` (procs holds the socket across restarts, `adopt: node`) and with a plain `port:`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { PEERS_DIR } from './paths.js';
import { type LaunchOptions, type Running, start, type Tool } from './tools.js';

const NODE = process.execPath;
/** `node` on PATH is the harness's Node, for tools that look it up there (nodemon). */
const PATH_ENV = { PATH: `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}` };

export interface ServerRun {
  readonly dir: string;
  readonly token: string;
  /** The server program (a .mjs run by node). */
  readonly server: string;
  readonly port: number;
  /** The file whose change restarts the server, relative to `dir`. */
  readonly watched: string;
  readonly debounceMs: number;
}

export interface Contestant {
  readonly name: string;
  /** Why it cannot run here (not installed, a spec key this procs does not know), or undefined. */
  unavailable(dir: string): string | undefined;
  launch(r: ServerRun): Running;
}

// What start() needs of the launch options: the folder and the token.
const opts = (r: ServerRun): LaunchOptions => ({ dir: r.dir, token: r.token, children: [] });

// procs.yaml for the server; `listen` adds the socket procs holds, otherwise `port:` gives PORT.
function procsSpec(r: ServerRun, listen: boolean): string {
  const held = listen
    ? [`    listen: { address: "127.0.0.1:${String(r.port)}", adopt: node }`, `    env: { PORT: "${String(r.port)}" }`]
    : [`    port: ${String(r.port)}`];
  return [
    'version: 1',
    'processes:',
    '  app:',
    `    command: ${JSON.stringify(`${NODE} ${r.server}`)}`,
    ...held,
    'watch:',
    '  trigger:',
    `    paths: [${JSON.stringify(r.watched)}]`,
    `    debounce: ${String(r.debounceMs)}ms`,
    '    restart: [app]',
    '',
  ].join('\n');
}

// `procs validate` on a listen spec: undefined when it is accepted, else its first lines.
function listenRejected(main: string, dir: string): string | undefined {
  const file = join(dir, 'listen-check.yaml');
  writeFileSync(file, procsSpec({ dir, token: '', server: '/bin/true', port: 1, watched: 'x', debounceMs: 100 }, true));
  const r = spawnSync(NODE, [main, 'validate', '--no-color', '-f', file], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return undefined;
  const said = `${r.stdout}${r.stderr}`
    .trim()
    .split('\n')
    .slice(0, 2)
    .join(' ')
    .replace(/\S*listen-check\.yaml/g, 'procs.yaml');
  return `\`procs validate\` rejects \`listen:\` (${said.slice(0, 160)})`;
}

/** procs (or procs at another commit) with `listen:` or with `port:`. */
export function procsContestant(tool: Tool, listen: boolean): Contestant {
  const main = tool.main ?? '';
  return {
    name: `${tool.name} ${listen ? 'with listen' : 'with port'}`,
    unavailable: (dir) => tool.missing() ?? (listen ? listenRejected(main, dir) : undefined),
    launch(r) {
      writeFileSync(join(r.dir, 'procs.yaml'), procsSpec(r, listen));
      return start(NODE, [main, 'up', '--no-color'], opts(r), 'SIGINT');
    },
  };
}

/** nodemon watching the one file, `--delay` as the debounce; `node` on PATH is the harness's. */
export function nodemonContestant(tool: Tool): Contestant {
  return {
    name: tool.name,
    unavailable: () => tool.missing(),
    launch(r) {
      const bin = join(PEERS_DIR, 'node_modules/nodemon/bin/nodemon.js');
      const args = [bin, '--watch', r.watched, '--ext', 'txt', '--delay', String(r.debounceMs / 1000), r.server];
      return start(NODE, args, opts(r), 'SIGINT', { ...PATH_ENV, PORT: String(r.port) });
    },
  };
}

/** PM2 in the foreground (pm2-runtime, PM2_HOME in the run folder), fork mode, `watch` and `watch_delay`. */
export function pm2Contestant(tool: Tool): Contestant {
  return {
    name: tool.name,
    unavailable: () => tool.missing(),
    launch(r) {
      const app = {
        name: 'app',
        script: r.server,
        interpreter: NODE,
        exec_mode: 'fork',
        cwd: r.dir,
        watch: [r.watched],
        watch_delay: r.debounceMs,
        env: { PORT: String(r.port) },
      };
      writeFileSync(join(r.dir, 'ecosystem.json'), JSON.stringify({ apps: [app] }));
      const home = join(r.dir, 'pm2home');
      mkdirSync(home, { recursive: true });
      return start(NODE, [join(PEERS_DIR, 'node_modules/pm2/bin/pm2-runtime'), 'start', 'ecosystem.json'], opts(r), 'SIGINT', { ...PATH_ENV, PM2_HOME: home });
    },
  };
}

/** The contestants for the tools of this run: each procs twice, then nodemon and PM2 if present. */
export function contestants(tools: readonly Tool[]): Contestant[] {
  const procsLike = tools.filter((t) => t.main !== undefined);
  return [
    ...procsLike.flatMap((t) => [procsContestant(t, true), procsContestant(t, false)]),
    ...tools.filter((t) => t.name === 'nodemon').map(nodemonContestant),
    ...tools.filter((t) => t.name === 'pm2').map(pm2Contestant),
  ];
}
