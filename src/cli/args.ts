// Command-line parsing: a table of commands and their flags, flags allowed before or after the
// command, `--` ending the flags (everything after it is the command for `procs run`).
import { UsageError } from '../app/usage-error.js';
import { suggest } from '../base/suggest.js';

export { UsageError };

export type FlagKind = 'bool' | 'string' | 'list';

export interface FlagDef {
  readonly name: string;
  readonly short?: string;
  /** Other long names accepted for the flag (the spellings of docker compose or overmind). */
  readonly aliases?: readonly string[];
  readonly kind: FlagKind;
  readonly help: string;
  readonly value?: string;
}

export interface CommandDef {
  readonly name: string;
  readonly args: string;
  readonly help: string;
  readonly flags: readonly FlagDef[];
  /** Lines said after the flags in the command's help. */
  readonly notes?: readonly string[];
}

const FILE: FlagDef = { name: 'file', short: 'f', kind: 'list', value: 'FILE', help: 'spec file (repeatable: later files override earlier ones)' };
const NO_COLOR: FlagDef = { name: 'no-color', kind: 'bool', help: 'plain output, no colours' };
const JSON_FLAG: FlagDef = { name: 'json', kind: 'bool', help: 'NDJSON instead of text' };
const FORMATION: FlagDef = {
  name: 'formation',
  short: 'm',
  kind: 'list',
  value: 'NAME=N,…',
  help: 'instance counts for pools and Procfile entries (all=N for every one)',
};
const NO_WATCH: FlagDef = { name: 'no-watch', kind: 'bool', help: 'turn every watch rule off' };
const IGNORE: FlagDef = { name: 'ignore', kind: 'list', value: 'GLOB', help: 'ignore these paths in watch rules (repeatable)' };
const PROFILE: FlagDef = {
  name: 'profile',
  kind: 'list',
  value: 'NAME',
  help: 'activate a profile: its units start too (repeatable, or a,b; default: PROCS_PROFILES)',
};
const REPORT: FlagDef = {
  name: 'report',
  kind: 'string',
  value: 'DIR',
  help: 'write report.md and a post-mortem bundle (events, log tails, why of each unit not up, the spec without env values) into DIR',
};
const NO_OPEN: FlagDef = { name: 'no-open', kind: 'bool', help: 'print the URL only, do not open a browser' };
const WAIT_TIMEOUT: FlagDef = { name: 'wait-timeout', kind: 'string', value: 'D', help: 'how long to wait for readiness (e.g. 60s)' };

export const GLOBAL_FLAGS: readonly FlagDef[] = [
  FILE,
  NO_COLOR,
  { name: 'help', short: 'h', kind: 'bool', help: 'show help' },
  { name: 'version', short: 'V', kind: 'bool', help: 'print the version' },
  { name: 'verbose', kind: 'bool', help: 'with --version: also Node, the platform, the spawner and where procs is' },
];

export const COMMANDS: readonly CommandDef[] = [
  {
    name: 'up',
    args: '[UNIT…]',
    help: 'start the units (and what they depend on), stream their output, stop on Ctrl-C',
    flags: [
      { name: 'detach', short: 'd', kind: 'bool', help: 'run in the background and return once started' },
      { name: 'wait', kind: 'bool', help: 'return once every unit is ready (exit 1 if one fails)' },
      WAIT_TIMEOUT,
      { ...REPORT, help: 'with --wait: write report.md and a post-mortem bundle into DIR' },
      { name: 'abort-on-failure', kind: 'bool', help: 'stop everything when a unit fails for good' },
      { name: 'exit-code-from', kind: 'string', value: 'UNIT', help: 'stop everything when UNIT exits and return its status' },
      { name: 'no-deps', kind: 'bool', help: 'start only the named units, not what they depend on' },
      { name: 'ui', kind: 'bool', help: 'serve the web dashboard too: print its URL and open it (as procs dashboard)' },
      { name: 'ui-port', kind: 'string', value: 'PORT', help: "with --ui: the dashboard's port (default: its last one when free, else any)" },
      { ...NO_OPEN, help: 'with --ui: print the URL only, do not open a browser' },
      PROFILE,
      FORMATION,
      NO_WATCH,
      IGNORE,
      JSON_FLAG,
    ],
    notes: [
      'With --no-deps the named units start without waiting for dependencies procs is not running',
      '(as docker compose up --no-deps); a dependency that runs or is starting is waited for as usual.',
      'On a project that already runs, up reconciles it to the spec and shows it live; Ctrl-C then',
      'asks whether to stop it or detach (without a terminal: detaches). up -d refuses a project',
      'that a procs up in another terminal runs.',
      'A unit with profiles starts only when one is active (--profile, PROCS_PROFILES), one with',
      'enabled: false only when named; either starts when named (up NAME, start NAME), with its dependencies.',
    ],
  },
  {
    name: 'down',
    args: '',
    help: 'stop the running project and every unit',
    flags: [{ name: 'timeout', short: 't', kind: 'string', value: 'D', help: 'stop timeout for every unit' }],
  },
  {
    name: 'ps',
    args: '',
    help: 'list units: state, pid, CPU and memory, restarts, uptime, last exit, health',
    flags: [
      { name: 'json', kind: 'bool', help: 'the status as JSON' },
      { name: 'format', kind: 'string', value: 'table|json', help: 'table (the default) or json (the same as --json)' },
      { name: 'quiet', short: 'q', kind: 'bool', help: 'only the unit names, one a line' },
    ],
  },
  {
    name: 'top',
    args: '',
    help: 'show the ps table with CPU and memory, refreshed every second until Ctrl-C',
    flags: [{ name: 'interval', short: 'n', kind: 'string', value: 'SECONDS', help: 'time between refreshes (default 1; 0.5 or 500ms also work)' }],
    notes: [
      "CPU is the unit's whole process tree in percent of one core, as top shows it (200% is two cores busy);",
      'MEM its resident memory (RSS) added up, PSS the same with shared pages divided among the processes sharing them.',
    ],
  },
  {
    name: 'logs',
    args: '[UNIT…]',
    help: 'show recent output (and follow it with -f)',
    flags: [
      { name: 'follow', short: 'f', kind: 'bool', help: 'keep printing new output (-f before the command names a spec file)' },
      {
        name: 'lines',
        short: 'n',
        aliases: ['tail'],
        kind: 'string',
        value: 'N',
        help: 'how many recent lines per unit (default 100; all for every line kept)',
      },
      {
        name: 'since',
        kind: 'string',
        value: 'WHEN',
        help: 'only lines from this time on: a duration back from now (5m, 2h) or a time (2026-01-02T15:04:05Z)',
      },
      { name: 'timestamps', short: 't', kind: 'bool', help: 'show the full date and time (UTC) of each line' },
    ],
  },
  {
    name: 'attach',
    args: 'UNIT',
    help: 'connect this terminal to a running unit: its output live, your keystrokes to it',
    flags: [{ name: 'no-stdin', kind: 'bool', help: 'only show the output; nothing typed goes to the unit (Ctrl-C detaches)' }],
    notes: [
      'A tty: true unit gets every key (Ctrl-C too) until Ctrl-P Ctrl-Q detaches; a stdin: true unit gets the',
      'lines typed (Ctrl-C or Ctrl-D detaches); any other unit only shows its output. The unit keeps running.',
      'Input that is not a terminal is sent as it comes, and its end detaches.',
    ],
  },
  { name: 'start', args: '[UNIT…]', help: 'start units of the running project (none named: every unit)', flags: [] },
  { name: 'stop', args: '[UNIT…]', help: 'stop units of the running project (none named: every unit; the project keeps running)', flags: [] },
  { name: 'restart', args: '[UNIT…]', help: 'restart units of the running project (none named: every unit)', flags: [] },
  { name: 'scale', args: 'POOL=N…', help: 'change pool sizes at run time', flags: [] },
  { name: 'reload', args: '', help: 'read the spec again and apply the changes', flags: [] },
  {
    name: 'run',
    args: '[UNIT…] -- CMD…',
    help: 'bring units up, run CMD when ready, tear down; exit with its status',
    flags: [
      { name: 'attach', kind: 'bool', help: 'run CMD against the project already running (wait for its units, leave it running)' },
      WAIT_TIMEOUT,
      REPORT,
      PROFILE,
      FORMATION,
      NO_WATCH,
      JSON_FLAG,
    ],
  },
  {
    name: 'why',
    args: 'UNIT…',
    help: 'say why a unit is in its state: what it waits for, down the chain; its exits, probes and restarts',
    flags: [
      { name: 'startup', kind: 'bool', help: 'the critical chain of the last startup: the units that decided the time to all-ready' },
      { name: 'json', kind: 'bool', help: 'JSON instead of text' },
    ],
    notes: ['On a running project it asks procs; otherwise it reads the last run from .procs/events.ndjson', 'and the unit logs.'],
  },
  {
    name: 'dashboard',
    args: '',
    help: "serve the running project's web dashboard: print its URL and open it in the browser",
    flags: [NO_OPEN, { name: 'port', kind: 'string', value: 'PORT', help: 'the port to serve on (default: its last one when free, else any)' }],
    notes: [
      'The page is served on 127.0.0.1 and ::1 only; the URL carries a token that only this user can read.',
      'It shows every unit, pool, watch rule and event live, the logs of each unit, and acts on them.',
    ],
  },
  {
    name: 'graph',
    args: '[UNIT…]',
    help: 'print the dependency graph, each edge with its condition (with states while the project runs)',
    flags: [{ name: 'format', kind: 'string', value: 'text|dot|mermaid', help: 'a text tree (the default), Graphviz dot or a Mermaid flowchart' }],
  },
  { name: 'help', args: '[COMMAND]', help: 'show the help of procs or of one command', flags: [] },
  {
    name: 'validate',
    args: '',
    help: 'check the spec and print every problem',
    flags: [{ ...PROFILE, help: 'also check that each profile named is one a unit has (default: PROCS_PROFILES)' }],
  },
  { name: 'schema', args: '', help: 'print the JSON Schema of the spec', flags: [] },
  { name: 'doctor', args: '', help: 'check Node, the platform, the spawner, the socket folder, the spec and its ports', flags: [JSON_FLAG] },
  {
    name: 'config',
    args: '',
    help: 'print the resolved spec (files merged, defaults filled in, commands interpolated)',
    flags: [{ name: 'show-values', kind: 'bool', help: 'print env values instead of <set>' }, { ...JSON_FLAG, help: 'JSON instead of YAML' }, FORMATION],
  },
  {
    name: 'init',
    args: '',
    help: 'write a commented procs.yaml from the Procfile or package.json scripts here',
    flags: [{ name: 'from', kind: 'string', value: 'procfile|package', help: 'which source to read' }],
  },
  {
    name: 'export',
    args: 'systemd|compose|kubernetes',
    help: 'write the spec as units of another engine; --check validates them and tells what each key became',
    flags: [
      { name: 'output', short: 'o', kind: 'string', value: 'DIR', help: 'output folder' },
      {
        name: 'check',
        kind: 'bool',
        help: "validate the files with the engine's own checks and print what became of each spec key (every target when none is named; without -o nothing is written)",
      },
      { name: 'strict', kind: 'bool', help: 'with --check: also fail when a key is dropped' },
      { name: 'image', kind: 'string', value: 'IMAGE', help: 'container image for compose and kubernetes (default node:24-alpine)' },
      { name: 'namespace', kind: 'string', value: 'NS', help: 'kubernetes: the namespace of every object' },
      { name: 'dockerfile', kind: 'bool', help: 'compose: write a Dockerfile for the project and build from it' },
      { name: 'mount', kind: 'bool', help: 'compose: bind-mount the project instead of building an image (for development)' },
      { name: 'path', kind: 'bool', help: 'systemd: run the units with the PATH of this shell' },
      { name: 'user', kind: 'bool', help: 'systemd: user units, for ~/.config/systemd/user' },
      FORMATION,
    ],
  },
];

export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positionals: readonly string[];
  /** Everything after `--`. */
  readonly rest: readonly string[] | undefined;
  readonly flags: Readonly<Record<string, string | boolean | readonly string[]>>;
}

/** The table row of a command. */
export function findCommand(name: string): CommandDef | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Parses argv (without node and script) against the command table; throws UsageError. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: CommandDef | undefined;
  let commandName: string | undefined;
  const positionals: string[] = [];
  const flags: Record<string, string | boolean | string[]> = {};
  let rest: string[] | undefined;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest = argv.slice(i + 1);
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.indexOf('=');
      const long = arg.startsWith('--');
      const key = long ? arg.slice(2, eq > 0 ? eq : undefined) : arg.slice(1, 2);
      const inline = long ? (eq > 0 ? arg.slice(eq + 1) : undefined) : arg.length > 2 ? arg.slice(2) : undefined;
      const def = lookupFlag(key, long, command);
      const name = def.name;
      if (def.kind === 'bool') {
        if (inline !== undefined && long) throw new UsageError(`--${name} takes no value`);
        if (inline !== undefined) throw new UsageError(`unknown option '${arg}'`);
        flags[name] = true;
        continue;
      }
      let value = inline;
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value (${def.value ?? 'VALUE'})`);
      }
      if (def.kind === 'list') {
        const prev = flags[name];
        flags[name] = [...(Array.isArray(prev) ? prev : []), value];
      } else flags[name] = value;
      continue;
    }
    if (!command && commandName === undefined) {
      command = findCommand(arg);
      if (!command) {
        const hint = suggest(
          arg,
          COMMANDS.map((c) => c.name),
        );
        throw new UsageError(`unknown command '${arg}'${hint ? `; did you mean '${hint}'?` : ''} (see procs --help)`);
      }
      commandName = arg;
      continue;
    }
    positionals.push(arg);
  }
  return { command: commandName, positionals, rest, flags };
}

// Finds a flag's definition. Once the command is known its own flags come first: `-f` after
// `logs` means --follow; before the command (and elsewhere) it names a spec file.
function lookupFlag(key: string, long: boolean, command: CommandDef | undefined): FlagDef {
  const pool = command ? [...command.flags, ...GLOBAL_FLAGS] : [...GLOBAL_FLAGS, ...allCommandFlags()];
  const def = pool.find((f) => (long ? f.name === key || (f.aliases?.includes(key) ?? false) : f.short === key));
  if (def) return def;
  const names = pool.flatMap((f) => [f.name, ...(f.aliases ?? [])]);
  const hint = long ? suggest(key, names) : undefined;
  const where = command ? ` for 'procs ${command.name}'` : '';
  throw new UsageError(`unknown option '${long ? '--' : '-'}${key}'${where}${hint ? `; did you mean '--${hint}'?` : ''}`);
}

// Before the command is known, any command's flag is accepted; it is checked once the command is.
function allCommandFlags(): FlagDef[] {
  const seen = new Map<string, FlagDef>();
  for (const c of COMMANDS) for (const f of c.flags) seen.set(f.name, f);
  return [...seen.values()];
}

/** Checks that every flag given belongs to the command; throws UsageError otherwise. */
export function checkFlagsFor(parsed: ParsedArgs): void {
  const cmd = parsed.command ? findCommand(parsed.command) : undefined;
  if (!cmd) return;
  const allowed = new Set([...GLOBAL_FLAGS, ...cmd.flags].map((f) => f.name));
  for (const name of Object.keys(parsed.flags)) {
    if (!allowed.has(name)) throw new UsageError(`option --${name} does not apply to 'procs ${cmd.name}'`);
  }
  // A detached project outlives this command, so nothing is left to abort or to return a code
  // from (docker compose refuses the same combinations).
  if (cmd.name === 'up' && (parsed.flags.detach === true || parsed.flags.wait === true)) {
    const mode = parsed.flags.detach === true ? '-d' : '--wait';
    for (const name of ['abort-on-failure', 'exit-code-from']) {
      if (parsed.flags[name] !== undefined) throw new UsageError(`--${name} cannot be combined with ${mode}: it needs procs up in the foreground`);
    }
  }
  if (cmd.name === 'up' && parsed.flags['no-deps'] === true && parsed.positionals.length === 0) {
    throw new UsageError('--no-deps needs the units to start: procs up --no-deps UNIT…');
  }
  if (cmd.name === 'up' && parsed.flags.ui !== true) {
    for (const name of ['ui-port', 'no-open'])
      if (parsed.flags[name] !== undefined) throw new UsageError(`--${name} goes with --ui (procs up --ui --${name} …)`);
  }
  // `up` without --wait has no wait to bound: the value would be silently ignored.
  if (cmd.name === 'up' && parsed.flags['wait-timeout'] !== undefined && parsed.flags.wait !== true) {
    throw new UsageError('--wait-timeout bounds the wait of procs up --wait; without --wait there is nothing to bound');
  }
  // Only `procs run` takes a command after `--`; elsewhere the words would be silently dropped.
  if (parsed.rest !== undefined && cmd.name !== 'run') {
    const words = parsed.rest.length > 0 ? ` ('${parsed.rest.join(' ')}')` : '';
    throw new UsageError(`'procs ${cmd.name}' takes no command after --${words}; procs run -- CMD runs one`);
  }
  // The running project keeps the instance counts it was started with.
  if (cmd.name === 'run' && parsed.flags.attach === true && parsed.flags.formation !== undefined) {
    throw new UsageError('--formation cannot be combined with --attach: the running project keeps its counts (procs scale changes them)');
  }
}
