// The procs command line as a table: one row per command line, read left to right as
// "argv → what procs understood" or "argv → the usage error procs prints (exit 2)".
// Words are separated by single spaces; nothing here needs a word with a space in it.
//
// Rules the rows show:
// - Global flags (-f, --no-color, -h, -V) and a command's own flags go before or after the
//   command; before it, any command's flag is accepted and checked once the command is known.
// - `--flag=value` and `-xVALUE` are the same as `--flag value` and `-x VALUE`; a value is the
//   next word taken as is, even one starting with `-`.
// - List flags (-f, -m, --ignore) repeat and keep their order; any other flag given twice keeps
//   its last value.
// - `-f` names a spec file, except after `logs`, where it means --follow.
// - Some flags have a second long name, the spelling of docker compose: `logs --tail` is --lines.
// - `--` ends the flags: what follows is the command of `procs run`, flags included.
// - Values are checked by the command that uses them (durations, -m counts, POOL=N, targets).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkFlagsFor, parseArgs, UsageError, type ParsedArgs } from '../../src/cli/args.js';
import { EXIT } from '../../src/app/exit-codes.js';
import { parseFormation } from '../../src/cli/options.js';
import { procs, project, removeProject } from '../helpers/cli.js';

const words = (argv: string): string[] => argv.split(' ').filter((w) => w !== '');
const title = (argv: string): string => (argv === '' ? 'procs (no arguments)' : `procs ${argv}`);

/** What a command line means; what a row leaves out is empty (no command, no words, no `--`, no flags). */
interface Meaning {
  readonly command?: string;
  readonly positionals?: readonly string[];
  readonly rest?: readonly string[];
  readonly flags?: ParsedArgs['flags'];
}

// argv → meaning. Every row also passes the per-command check (checkFlagsFor).
const PARSES: readonly (readonly [argv: string, meaning: Meaning])[] = [
  // No command: procs prints its help (exit 2 without --help; see HELP_AND_VERSION).
  ['', {}],
  ['--help', { flags: { help: true } }],
  ['-h', { flags: { help: true } }],
  ['--version', { flags: { version: true } }],
  ['-V', { flags: { version: true } }],
  ['up --help', { command: 'up', flags: { help: true } }],
  ['--no-color', { flags: { 'no-color': true } }],

  // up
  ['up', { command: 'up' }],
  ['up web worker', { command: 'up', positionals: ['web', 'worker'] }],
  ['up -d', { command: 'up', flags: { detach: true } }],
  ['up --detach', { command: 'up', flags: { detach: true } }],
  ['up --wait', { command: 'up', flags: { wait: true } }],
  ['up -d --wait', { command: 'up', flags: { detach: true, wait: true } }],
  ['up --wait --wait-timeout 60s', { command: 'up', flags: { wait: true, 'wait-timeout': '60s' } }],
  ['up --wait --wait-timeout=60s', { command: 'up', flags: { wait: true, 'wait-timeout': '60s' } }],
  ['up --abort-on-failure', { command: 'up', flags: { 'abort-on-failure': true } }],
  ['up --exit-code-from test', { command: 'up', flags: { 'exit-code-from': 'test' } }],
  ['up --exit-code-from=test --abort-on-failure', { command: 'up', flags: { 'exit-code-from': 'test', 'abort-on-failure': true } }],
  ['up --no-watch --json --no-color', { command: 'up', flags: { 'no-watch': true, json: true, 'no-color': true } }],
  ['up --ignore dist/** --ignore=*.log', { command: 'up', flags: { ignore: ['dist/**', '*.log'] } }],
  ['up -m web=2,worker=1', { command: 'up', flags: { formation: ['web=2,worker=1'] } }],
  ['up -m web=2 -m worker=1', { command: 'up', flags: { formation: ['web=2', 'worker=1'] } }],
  ['up -mweb=2', { command: 'up', flags: { formation: ['web=2'] } }],
  ['up --formation=web=2', { command: 'up', flags: { formation: ['web=2'] } }],
  ['up web -d worker', { command: 'up', positionals: ['web', 'worker'], flags: { detach: true } }],
  ['up -', { command: 'up', positionals: ['-'] }],
  ['up --no-deps web', { command: 'up', positionals: ['web'], flags: { 'no-deps': true } }],
  ['up -d --no-deps web', { command: 'up', positionals: ['web'], flags: { detach: true, 'no-deps': true } }],

  // Flags before and after the command.
  ['-f a.yaml up', { command: 'up', flags: { file: ['a.yaml'] } }],
  ['up -f a.yaml', { command: 'up', flags: { file: ['a.yaml'] } }],
  ['-f a.yaml up -f b.yaml', { command: 'up', flags: { file: ['a.yaml', 'b.yaml'] } }],
  ['-f a -f b up', { command: 'up', flags: { file: ['a', 'b'] } }],
  ['--file=a.yaml up', { command: 'up', flags: { file: ['a.yaml'] } }],
  ['-fa.yaml up', { command: 'up', flags: { file: ['a.yaml'] } }],
  ['-d -m web=2 up', { command: 'up', flags: { detach: true, formation: ['web=2'] } }],
  ['--no-color ps', { command: 'ps', flags: { 'no-color': true } }],
  ['-t 5s down', { command: 'down', flags: { timeout: '5s' } }],
  // A value is the next word as it is, even one that looks like a flag.
  ['up -f --json', { command: 'up', flags: { file: ['--json'] } }],

  // down
  ['down', { command: 'down' }],
  ['down -t 5s', { command: 'down', flags: { timeout: '5s' } }],
  ['down --timeout=5s', { command: 'down', flags: { timeout: '5s' } }],
  ['down -t5s', { command: 'down', flags: { timeout: '5s' } }],
  ['down -t 1s -t 2s', { command: 'down', flags: { timeout: '2s' } }],

  // ps
  ['ps', { command: 'ps' }],
  ['ps --json', { command: 'ps', flags: { json: true } }],
  // docker compose's spellings: --format json is --json; -q prints the names only.
  ['ps --format json', { command: 'ps', flags: { format: 'json' } }],
  ['ps --format=table', { command: 'ps', flags: { format: 'table' } }],
  ['ps -q', { command: 'ps', flags: { quiet: true } }],
  ['ps --quiet', { command: 'ps', flags: { quiet: true } }],

  // logs: -f after `logs` is --follow; before it, a spec file.
  ['logs', { command: 'logs' }],
  ['logs web worker.1', { command: 'logs', positionals: ['web', 'worker.1'] }],
  ['logs -f', { command: 'logs', flags: { follow: true } }],
  ['logs --follow web', { command: 'logs', positionals: ['web'], flags: { follow: true } }],
  ['logs -f a.yaml', { command: 'logs', positionals: ['a.yaml'], flags: { follow: true } }],
  ['-f a.yaml logs -f', { command: 'logs', flags: { file: ['a.yaml'], follow: true } }],
  ['logs --file a.yaml', { command: 'logs', flags: { file: ['a.yaml'] } }],
  ['logs -n 20 web', { command: 'logs', positionals: ['web'], flags: { lines: '20' } }],
  ['logs --lines=5', { command: 'logs', flags: { lines: '5' } }],
  // docker compose's spellings: --tail N is -n N; -t shows each line's time; --since WHEN.
  ['logs --tail 20', { command: 'logs', flags: { lines: '20' } }],
  ['logs --tail=all web', { command: 'logs', positionals: ['web'], flags: { lines: 'all' } }],
  ['logs -t', { command: 'logs', flags: { timestamps: true } }],
  ['logs --timestamps -f web', { command: 'logs', positionals: ['web'], flags: { timestamps: true, follow: true } }],
  ['logs --since 5m', { command: 'logs', flags: { since: '5m' } }],
  ['logs --since=2026-01-02T15:04:05Z -n 10', { command: 'logs', flags: { since: '2026-01-02T15:04:05Z', lines: '10' } }],

  // start, stop, restart, scale, reload: words are units (or POOL=N), checked by the command.
  ['start web', { command: 'start', positionals: ['web'] }],
  // No names: every unit of the running project (as docker compose and overmind do).
  ['start', { command: 'start' }],
  ['stop', { command: 'stop' }],
  ['restart', { command: 'restart' }],
  ['stop web worker.1', { command: 'stop', positionals: ['web', 'worker.1'] }],
  ['restart -f a.yaml web', { command: 'restart', positionals: ['web'], flags: { file: ['a.yaml'] } }],
  ['scale web=3 worker=0', { command: 'scale', positionals: ['web=3', 'worker=0'] }],
  ['reload', { command: 'reload' }],
  ['reload -f b.yaml', { command: 'reload', flags: { file: ['b.yaml'] } }],

  // run: everything after `--` is the command, flags and further `--` included.
  ['run -- npm test', { command: 'run', rest: ['npm', 'test'] }],
  ['run web db -- npm test', { command: 'run', positionals: ['web', 'db'], rest: ['npm', 'test'] }],
  ['run --attach -- npm test', { command: 'run', rest: ['npm', 'test'], flags: { attach: true } }],
  ['run --attach web -- npm test', { command: 'run', positionals: ['web'], rest: ['npm', 'test'], flags: { attach: true } }],
  ['run --wait-timeout 30s -- npm test', { command: 'run', rest: ['npm', 'test'], flags: { 'wait-timeout': '30s' } }],
  ['run --wait-timeout=30s -- npm test', { command: 'run', rest: ['npm', 'test'], flags: { 'wait-timeout': '30s' } }],
  ['run -m web=2 --no-watch --json -- npm test', { command: 'run', rest: ['npm', 'test'], flags: { formation: ['web=2'], 'no-watch': true, json: true } }],
  ['run -- npm test -- --grep x', { command: 'run', rest: ['npm', 'test', '--', '--grep', 'x'] }],
  ['run -- procs up -d -f a.yaml', { command: 'run', rest: ['procs', 'up', '-d', '-f', 'a.yaml'] }],
  ['-f a.yaml run -- true', { command: 'run', rest: ['true'], flags: { file: ['a.yaml'] } }],
  ['run --', { command: 'run', rest: [] }],
  ['run', { command: 'run' }],

  // validate, schema, export
  ['validate', { command: 'validate' }],
  ['validate -f a.yaml -f b.yaml', { command: 'validate', flags: { file: ['a.yaml', 'b.yaml'] } }],
  ['schema', { command: 'schema' }],
  ['export systemd -o out', { command: 'export', positionals: ['systemd'], flags: { output: 'out' } }],
  ['export compose -o out --image node:24', { command: 'export', positionals: ['compose'], flags: { output: 'out', image: 'node:24' } }],
  ['export kubernetes --output=k8s -m web=3', { command: 'export', positionals: ['kubernetes'], flags: { output: 'k8s', formation: ['web=3'] } }],

  // `--` before any command: kept in `rest`; only `run` takes words after it.
  ['--', { rest: [] }],

  // help: the global help, or one command's (also as COMMAND --help / -h).
  ['help', { command: 'help' }],
  ['help up', { command: 'help', positionals: ['up'] }],
  ['up -h', { command: 'up', flags: { help: true } }],
  ['logs --help', { command: 'logs', flags: { help: true } }],
];

// argv → the message of the usage error; procs prints it as `procs: MESSAGE` and exits 2.
const REFUSED: readonly (readonly [argv: string, message: string])[] = [
  // Unknown commands, with the closest one when it is close. `help` and `version` are flags.
  ['upp', "unknown command 'upp'; did you mean 'up'? (see procs --help)"],
  ['stat web', "unknown command 'stat'; did you mean 'start'? (see procs --help)"],
  ['lgos', "unknown command 'lgos'; did you mean 'logs'? (see procs --help)"],
  ['frobnicate', "unknown command 'frobnicate' (see procs --help)"],
  ['version', "unknown command 'version' (see procs --help)"],

  // Unknown flags, with the closest flag of the command (of any command before it).
  ['up --detatch', "unknown option '--detatch' for 'procs up'; did you mean '--detach'?"],
  ['up --no-colour', "unknown option '--no-colour' for 'procs up'; did you mean '--no-color'?"],
  ['up ---json', "unknown option '---json' for 'procs up'; did you mean '--json'?"],
  ['ps --jsno', "unknown option '--jsno' for 'procs ps'; did you mean '--json'?"],
  ['logs --tial 5', "unknown option '--tial' for 'procs logs'; did you mean '--tail'?"],
  ['up --no-dep web', "unknown option '--no-dep' for 'procs up'; did you mean '--no-deps'?"],
  ['up --no-deps', '--no-deps needs the units to start: procs up --no-deps UNIT…'],
  ['run --wait-timout 5s -- x', "unknown option '--wait-timout' for 'procs run'; did you mean '--wait-timeout'?"],
  ['--jsn ps', "unknown option '--jsn'; did you mean '--json'?"],
  ['up -x', "unknown option '-x' for 'procs up'"],
  ['run -d -- x', "unknown option '-d' for 'procs run'"],
  ['validate -m web=2', "unknown option '-m' for 'procs validate'"],

  // Another command's flag: after the command it is unknown there; before it, it does not apply.
  ['ps --follow', "unknown option '--follow' for 'procs ps'"],
  ['help -d', "unknown option '-d' for 'procs help'"],
  ['--follow ps', "option --follow does not apply to 'procs ps'"],
  ['-d ps', "option --detach does not apply to 'procs ps'"],
  ['-o out up', "option --output does not apply to 'procs up'"],

  // Words after `--` for a command that runs none, and a wait timeout without a wait: refused,
  // not silently dropped.
  ['up -- web', "'procs up' takes no command after -- ('web'); procs run -- CMD runs one"],
  ['validate -- anything', "'procs validate' takes no command after -- ('anything'); procs run -- CMD runs one"],
  ['ps --', "'procs ps' takes no command after --; procs run -- CMD runs one"],
  ['up --wait-timeout 5s', '--wait-timeout bounds the wait of procs up --wait; without --wait there is nothing to bound'],
  ['up -d --wait-timeout 5s', '--wait-timeout bounds the wait of procs up --wait; without --wait there is nothing to bound'],

  // Missing values.
  ['up -f', '--file needs a value (FILE)'],
  ['up -m', '--formation needs a value (NAME=N,…)'],
  ['up --ignore', '--ignore needs a value (GLOB)'],
  ['up --wait --wait-timeout', '--wait-timeout needs a value (D)'],
  ['up --exit-code-from', '--exit-code-from needs a value (UNIT)'],
  ['down -t', '--timeout needs a value (D)'],
  ['logs -n', '--lines needs a value (N)'],
  ['export systemd -o', '--output needs a value (DIR)'],
  ['run --wait-timeout', '--wait-timeout needs a value (D)'],

  // A value given to a flag that takes none.
  ['up --json=yes', '--json takes no value'],
  ['up --wait=false', '--wait takes no value'],
  ['up -dx', "unknown option '-dx'"],

  // -d and --wait leave the project running in the background: nothing to abort or return from.
  ['up -d --abort-on-failure', '--abort-on-failure cannot be combined with -d: it needs procs up in the foreground'],
  ['up -d --exit-code-from test', '--exit-code-from cannot be combined with -d: it needs procs up in the foreground'],
  ['up --wait --abort-on-failure', '--abort-on-failure cannot be combined with --wait: it needs procs up in the foreground'],
  ['up --wait --exit-code-from=test', '--exit-code-from cannot be combined with --wait: it needs procs up in the foreground'],
  ['up -d --wait --abort-on-failure', '--abort-on-failure cannot be combined with -d: it needs procs up in the foreground'],
  ['--abort-on-failure -d up', '--abort-on-failure cannot be combined with -d: it needs procs up in the foreground'],

  // The running project keeps its counts.
  ['run --attach -m web=2 -- npm test', '--formation cannot be combined with --attach: the running project keeps its counts (procs scale changes them)'],
];

// argv → the usage error of the command itself: `procs COMMAND: MESSAGE`, exit 2. These are
// checked by running procs (in an empty folder: each is refused before any spec is looked for).
const COMMAND_REFUSED: readonly (readonly [argv: string, stderr: string])[] = [
  ['run', 'procs run: needs a command after --, e.g. procs run -- npm test'],
  ['run web', 'procs run: needs a command after --, e.g. procs run -- npm test'],
  ['run --', 'procs run: needs a command after --, e.g. procs run -- npm test'],
  ['run --wait-timeout soon -- true', "procs run: --wait-timeout expects a duration such as 60s, at most 24 days (576h), got 'soon'"],
  ['run -m web=1025 -- true', 'procs run: -m web=1025 is out of range: counts go from 0 to 1024'],
  ['up -m web=1025', 'procs up: -m web=1025 is out of range: counts go from 0 to 1024'],
  ['up -m web=2,worker=1025', 'procs up: -m worker=1025 is out of range: counts go from 0 to 1024'],
  ['up -m web', "procs up: -m expects NAME=N[,NAME=N…], got 'web'"],
  ['export compose -m web=-1 -o out', "procs export: -m expects NAME=N[,NAME=N…], got 'web=-1'"],
  ['down -t forever', "procs down: --timeout expects a duration such as 10s or 500ms, at most 24 days (576h), got 'forever'"],
  ['logs -n ten', "procs logs: -n expects a whole number of lines (or all), got 'ten'"],
  ['help nosuch', "procs help: no command 'nosuch' (procs help lists them)"],
  ['help stp', "procs help: no command 'stp'; did you mean 'stop'? (procs help lists them)"],
  ['help up down', 'procs help: one command at a time: procs help COMMAND'],
  ['ps --format yaml', "procs ps: --format is table or json, got 'yaml'"],
  ['ps -q --json', 'procs ps: -q prints names only; it cannot be combined with JSON'],
  ['ps --format table --json', 'procs ps: --format table contradicts --json'],
  ['logs --tail ten', "procs logs: -n expects a whole number of lines (or all), got 'ten'"],
  [
    'logs --since yesterday',
    "procs logs: --since expects a duration such as 5m (at most 24 days (576h)) or a time such as 2026-01-02T15:04:05Z, got 'yesterday'",
  ],
  ['scale', 'procs scale: name the pools and their sizes: procs scale POOL=N…'],
  ['scale web=2000', "procs scale: expected POOL=N with N a whole number from 0 to 1024, got 'web=2000'"],
  ['scale web', "procs scale: expected POOL=N with N a whole number from 0 to 1024, got 'web'"],
  ['export', 'procs export: name a target: systemd, compose, kubernetes (or --check without one for all of them)'],
  ['export sytemd -o out', "procs export: unknown target 'sytemd'; did you mean 'systemd'? (one of systemd, compose, kubernetes)"],
  ['export compose kubernetes -o out', "procs export: one target at a time, got 'compose kubernetes'"],
  ['export compose', 'procs export: -o DIR is required: the folder to write the files to (or --check alone to validate without writing)'],
];

// argv → exit code and the first line on stdout, for the command lines that answer without a command.
const HELP_AND_VERSION: readonly (readonly [argv: string, code: number, stdout: RegExp])[] = [
  ['', EXIT.usage, /^procs \S+ — run the processes a project needs/],
  ['--help', EXIT.ok, /^procs \S+ — run the processes a project needs/],
  ['-h', EXIT.ok, /^procs \S+ — run the processes a project needs/],
  ['help', EXIT.ok, /^procs \S+ — run the processes a project needs/],
  ['up --help', EXIT.ok, /^Usage: procs up \[OPTIONS\] \[UNIT…\]$/],
  ['up -h', EXIT.ok, /^Usage: procs up \[OPTIONS\] \[UNIT…\]$/],
  ['help up', EXIT.ok, /^Usage: procs up \[OPTIONS\] \[UNIT…\]$/],
  ['-h logs', EXIT.ok, /^Usage: procs logs \[OPTIONS\] \[UNIT…\]$/],
  ['help reload', EXIT.ok, /^Usage: procs reload$/],
  ['--version', EXIT.ok, /^\d+\.\d+\.\d+/],
  ['-V', EXIT.ok, /^\d+\.\d+\.\d+/],
  ['--version up', EXIT.ok, /^\d+\.\d+\.\d+/],
];

// `-m` values (each -m given once, in order) → instance counts, or the usage error.
const FORMATION: readonly (readonly [values: readonly string[], counts: Record<string, number> | string])[] = [
  [[], {}],
  [['web=2,worker=1'], { web: 2, worker: 1 }],
  [['web=2', 'worker=1'], { web: 2, worker: 1 }],
  [['all=3'], { all: 3 }],
  [['web=0'], { web: 0 }],
  [['web=1024'], { web: 1024 }],
  [['web = 2'], { web: 2 }],
  [['web=1,web=3'], { web: 3 }],
  [['web=1025'], '-m web=1025 is out of range: counts go from 0 to 1024'],
  [['web=2,worker=99999'], '-m worker=99999 is out of range: counts go from 0 to 1024'],
  [['web'], "-m expects NAME=N[,NAME=N…], got 'web'"],
  [['web=-1'], "-m expects NAME=N[,NAME=N…], got 'web=-1'"],
  [['web=1.5'], "-m expects NAME=N[,NAME=N…], got 'web=1.5'"],
  [['Web=2'], "-m expects NAME=N[,NAME=N…], got 'Web=2'"],
  [['=2'], "-m expects NAME=N[,NAME=N…], got '=2'"],
  [['web=2,'], "-m expects NAME=N[,NAME=N…], got ''"],
];

function parsed(argv: string): ParsedArgs {
  const args = parseArgs(words(argv));
  checkFlagsFor(args);
  return args;
}

describe('the command line, argv → meaning', () => {
  for (const [argv, m] of PARSES) {
    it(title(argv), () => {
      const want: ParsedArgs = { command: m.command, positionals: m.positionals ?? [], rest: m.rest, flags: m.flags ?? {} };
      assert.deepEqual(parsed(argv), want);
    });
  }
});

describe('the command line, argv → usage error', () => {
  for (const [argv, message] of REFUSED) {
    it(title(argv), () => {
      assert.throws(
        () => parsed(argv),
        (e: unknown) => e instanceof UsageError && e.message === message,
        `expected: ${message}`,
      );
    });
  }
});

describe('-m NAME=N,… → instance counts', () => {
  for (const [values, counts] of FORMATION) {
    it(`-m ${values.join(' -m ')}`, () => {
      if (typeof counts === 'string')
        assert.throws(
          () => parseFormation(values),
          (e: unknown) => e instanceof UsageError && e.message === counts,
          `expected: ${counts}`,
        );
      else assert.deepEqual(parseFormation(values), counts);
    });
  }
});

describe('procs itself, argv → exit code and output', () => {
  const dir = project({});
  after(() => removeProject(dir));

  const check = async (argv: string, code: number, stderr: string | undefined, stdout?: RegExp): Promise<void> => {
    const run = procs(words(argv), { cwd: dir });
    const exit = await run.exited;
    const output = `stdout:\n${run.stdout.join('\n')}\nstderr:\n${run.stderr.join('\n')}`;
    assert.equal(exit, code, output);
    if (stderr !== undefined) assert.deepEqual(run.stderr, [stderr], output);
    if (stdout) assert.match(run.stdout[0] ?? '', stdout, output);
  };

  for (const [argv, message] of REFUSED) it(title(argv), () => check(argv, EXIT.usage, `procs: ${message}`, /^$/));
  for (const [argv, stderr] of COMMAND_REFUSED) it(title(argv), () => check(argv, EXIT.usage, stderr, /^$/));
  for (const [argv, code, stdout] of HELP_AND_VERSION) it(title(argv), () => check(argv, code, undefined, stdout));
});
