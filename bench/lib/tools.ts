// The tools under test and the baselines: each writes its own config for the same children into
// a run folder and starts as its own process group, carrying the run's token in its environment.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PEERS_DIR, REPO } from './paths.js';
import { TOKEN_VAR } from './procfs.js';

/** One child every tool starts: an absolute program and its arguments. */
export interface ChildSpec {
  readonly name: string;
  readonly argv: readonly string[];
}

export interface LaunchOptions {
  readonly dir: string;
  readonly token: string;
  readonly children: readonly ChildSpec[];
  /** Pipe the tool's stdout to the harness (the output scenario); otherwise it goes to /dev/null. */
  readonly output?: boolean;
  /**
   * With `output`, what the tool's stdout is: a pipe the harness reads (the default), a regular
   * file (`Running.outFile`, as in `tool > log`), or a terminal (the tool runs under
   * `script -qfc CMD /dev/null`, whose copy of the terminal's output the harness reads as a pipe).
   */
  readonly stdout?: StdoutMode;
  /** Children that end by themselves and must not be restarted (PM2 restarts even a clean exit). */
  readonly oneShot?: boolean;
  /** Watch `dir/src` and restart every child on a change, with this debounce. */
  readonly watchDebounceMs?: number;
}

/** What a tool's stdout is in the output scenario. */
export type StdoutMode = 'pipe' | 'file' | 'terminal';

/** A started tool. */
export interface Running {
  readonly child: ChildProcess;
  /** With stdout `file`: the file the tool writes. */
  readonly outFile?: string;
  /** performance.now() just before the spawn. */
  readonly started: number;
  /** Resolves when the tool's main process has exited. */
  readonly exited: Promise<void>;
  /** Asks the tool to stop the way its user would (Ctrl-C, or its documented signal). */
  stop(): void;
  /** The last 4 KB the tool wrote to stderr (and stdout when not piped), for failures. */
  chatter(): string;
}

export interface Tool {
  readonly name: string;
  /** A baseline rather than a process runner. */
  readonly baseline?: boolean;
  /** Why it cannot run here, or undefined. */
  missing(): string | undefined;
  /** For procs: the script of its command line (`node MAIN up`). */
  readonly main?: string;
  /** What the tool does not offer, by scenario id, with the reason shown in the results. */
  readonly lacks?: Readonly<Record<string, string>>;
  launch(o: LaunchOptions): Running;
}

const NODE = process.execPath;
const PROCS_MAIN = join(REPO, 'dist/bin/procs.js');
const peerBin = (rel: string): string => join(PEERS_DIR, 'node_modules', rel);

/**
 * The file a package's `bin` names for `command` (the path moves between major versions:
 * concurrently 9's dist/bin/concurrently.js is 10's dist/bin/index.js); undefined when it is not installed.
 */
export function packageBin(pkg: string, command: string): string | undefined {
  try {
    const json = JSON.parse(readFileSync(peerBin(`${pkg}/package.json`), 'utf8')) as { bin?: string | Record<string, string> };
    const rel = typeof json.bin === 'string' ? json.bin : json.bin?.[command];
    return rel === undefined ? undefined : peerBin(join(pkg, rel));
  } catch {
    return undefined;
  }
}

// A shell word for a plain path or argument (single-quoted when it needs it).
function shq(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

const line = (c: ChildSpec): string => c.argv.map(shq).join(' ');

// Starts `file args` in its own process group with the token, output to /dev/null, a pipe, a
// file or a terminal (see LaunchOptions.stdout).
export function start(file: string, args: readonly string[], o: LaunchOptions, stopSignal: NodeJS.Signals, env: Record<string, string> = {}): Running {
  const mode = o.output ? (o.stdout ?? 'pipe') : undefined;
  const outFile = mode === 'file' ? join(o.dir, 'stdout.log') : undefined;
  const fd = outFile === undefined ? undefined : openSync(outFile, 'w');
  // Under a terminal: `script` runs the command line on a new pty and copies what it shows.
  const [cmd, argv] = mode === 'terminal' ? ['script', ['-qfc', [file, ...args].map(shq).join(' '), '/dev/null']] : [file, args];
  const started = performance.now();
  const child = spawn(cmd, argv, {
    cwd: o.dir,
    detached: true,
    env: { ...process.env, ...env, [TOKEN_VAR]: o.token, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', fd ?? (mode === undefined ? 'ignore' : 'pipe'), 'pipe'],
  });
  if (fd !== undefined) closeSync(fd);
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    tail = (tail + d.toString('utf8')).slice(-4096);
  });
  child.on('error', (e) => {
    tail += `\nspawn error: ${e.message}`;
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  return {
    child,
    started,
    ...(outFile === undefined ? {} : { outFile }),
    exited,
    stop: () => {
      try {
        if (child.pid !== undefined) process.kill(child.pid, stopSignal);
      } catch {
        // gone
      }
    },
    chatter: () => tail,
  };
}

const onPath = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/** Writes procs.yaml for the children (and the watch rule) into `o.dir`: the spec of every procs launcher. */
export function writeProcsSpec(o: Pick<LaunchOptions, 'dir' | 'children' | 'watchDebounceMs'>): void {
  const lines = ['version: 1', 'processes:'];
  for (const c of o.children) lines.push(`  ${c.name}:`, `    command: ${JSON.stringify(line(c))}`);
  if (o.watchDebounceMs !== undefined) {
    mkdirSync(join(o.dir, 'src'), { recursive: true });
    const names = o.children.map((c) => c.name).join(', ');
    lines.push('watch:', '  src:', '    paths: ["src/**"]', `    debounce: ${o.watchDebounceMs}ms`, `    restart: [${names}]`);
  }
  writeFileSync(join(o.dir, 'procs.yaml'), `${lines.join('\n')}\n`);
}

/** procs itself, `procs up` in the foreground. */
export const procs: Tool = {
  name: 'procs',
  main: PROCS_MAIN,
  missing: () => (existsSync(PROCS_MAIN) ? undefined : 'not built (npm run build)'),
  launch(o) {
    writeProcsSpec(o);
    return start(NODE, [PROCS_MAIN, 'up', '--no-color'], o, 'SIGINT');
  },
};

/** procs as built in another checkout (`--compare DIR`), to measure a change side by side. */
export function procsAt(checkout: string, name: string): Tool {
  // Checkouts from before the bundle have only the compiled tree.
  const bundle = join(checkout, 'dist/bin/procs.js');
  const main = existsSync(bundle) ? bundle : join(checkout, 'dist/src/cli/main.js');
  return {
    ...procs,
    name,
    main,
    missing: () => (existsSync(main) ? undefined : `${main} not found (build that checkout)`),
    launch(o) {
      writeProcsSpec(o);
      return start(NODE, [main, 'up', '--no-color'], o, 'SIGINT');
    },
  };
}

/** A plain shell script: each child started with `&`, then `wait`. */
export const shell: Tool = {
  name: 'sh loop',
  baseline: true,
  missing: () => undefined,
  launch(o) {
    const script = [...o.children.map((c) => `${line(c)} &`), 'wait'].join('\n');
    writeFileSync(join(o.dir, 'run.sh'), `${script}\n`);
    return start('/bin/sh', ['run.sh'], o, 'SIGTERM');
  },
};

/** A bare loop of Node's child_process.spawn (detached, piped output read and dropped). */
export const nodeSpawn: Tool = {
  name: 'node spawn',
  baseline: true,
  missing: () => undefined,
  launch(o) {
    const argvs = JSON.stringify(o.children.map((c) => c.argv));
    const src = [
      "import { spawn } from 'node:child_process';",
      `for (const [file, ...args] of ${argvs}) {`,
      "  const c = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });",
      '  c.stdout.resume(); c.stderr.resume();',
      '}',
    ].join('\n');
    writeFileSync(join(o.dir, 'spawn.mjs'), `${src}\n`);
    return start(NODE, ['spawn.mjs'], o, 'SIGTERM');
  },
};

/** concurrently: every child as one command argument. */
export const concurrently: Tool = {
  name: 'concurrently',
  missing: () => (existsSync(packageBin('concurrently', 'concurrently') ?? '') ? undefined : 'npm install of concurrently failed'),
  lacks: { watch: 'no file watching' },
  launch(o) {
    const names = o.children.map((c) => c.name).join(',');
    return start(NODE, [packageBin('concurrently', 'concurrently') ?? 'concurrently', '--no-color', '-n', names, ...o.children.map(line)], o, 'SIGINT');
  },
};

// A Procfile with one line per child.
function procfile(o: LaunchOptions): string {
  const path = join(o.dir, 'Procfile');
  writeFileSync(path, o.children.map((c) => `${c.name}: ${line(c)}\n`).join(''));
  return path;
}

/** nf, the npm `foreman` package. */
export const nf: Tool = {
  name: 'nf (npm foreman)',
  missing: () => (existsSync(peerBin('foreman/nf.js')) ? undefined : 'npm install of foreman failed'),
  lacks: { watch: 'no file watching' },
  launch(o) {
    const path = procfile(o);
    return start(NODE, [peerBin('foreman/nf.js'), 'start', '-j', path], o, 'SIGINT');
  },
};

/** foreman, the Ruby original (Debian's ruby-foreman). */
export const foreman: Tool = {
  name: 'foreman (ruby)',
  missing: () => (onPath('foreman') ? undefined : 'ruby-foreman is not installed (apt-get install ruby-foreman)'),
  lacks: { watch: 'no file watching' },
  launch(o) {
    const path = procfile(o);
    return start('foreman', ['start', '-f', path, '-d', o.dir], o, 'SIGINT');
  },
};

/** PM2 in its foreground mode (pm2-runtime: the PM2 daemon runs in the launched process). */
export const pm2: Tool = {
  name: 'pm2',
  missing: () => (existsSync(peerBin('pm2/bin/pm2-runtime')) ? undefined : 'npm install of pm2 failed'),
  launch(o) {
    const home = join(o.dir, 'pm2home');
    mkdirSync(home, { recursive: true });
    const watch = o.watchDebounceMs === undefined ? {} : { watch: ['src'], watch_delay: o.watchDebounceMs };
    if (o.watchDebounceMs !== undefined) mkdirSync(join(o.dir, 'src'), { recursive: true });
    const apps = o.children.map((c) => ({
      name: c.name,
      script: c.argv[0],
      args: c.argv.slice(1),
      interpreter: 'none',
      cwd: o.dir,
      ...(o.oneShot ? { autorestart: false } : {}),
      ...watch,
    }));
    writeFileSync(join(o.dir, 'ecosystem.json'), JSON.stringify({ apps }));
    return start(NODE, [peerBin('pm2/bin/pm2-runtime'), 'start', 'ecosystem.json'], o, 'SIGINT', { PM2_HOME: home });
  },
};

/** supervisord in the foreground, one [program] per child, output to its stdout. */
export const supervisord: Tool = {
  name: 'supervisord',
  missing: () => (onPath('supervisord') ? undefined : 'supervisor is not installed (apt-get install supervisor)'),
  lacks: { watch: 'no file watching' },
  launch(o) {
    const conf = [
      '[supervisord]',
      'nodaemon=true',
      `logfile=${join(o.dir, 'supervisord.log')}`,
      `pidfile=${join(o.dir, 'supervisord.pid')}`,
      `childlogdir=${o.dir}`,
      'user=root',
      '',
    ];
    for (const c of o.children) {
      conf.push(`[program:${c.name}]`, `command=${line(c)}`, `directory=${o.dir}`, 'autostart=true');
      if (o.output) conf.push('stdout_logfile=/dev/stdout', 'stdout_logfile_maxbytes=0', 'redirect_stderr=true');
      // Without startsecs=0 a child that ends within 1 s counts as a failed start and is retried.
      if (o.oneShot) conf.push('autorestart=false', 'startsecs=0');
      conf.push('');
    }
    writeFileSync(join(o.dir, 'supervisord.conf'), conf.join('\n'));
    // supervisord cannot open a socket as /dev/stdout (ENXIO), and Node's pipes are sockets: give it a real pipe.
    if (o.output) return start('/bin/sh', ['-c', `supervisord -c ${shq(join(o.dir, 'supervisord.conf'))} | cat`], o, 'SIGTERM');
    return start('supervisord', ['-c', join(o.dir, 'supervisord.conf')], o, 'SIGTERM');
  },
};

/** nodemon: one command, restarted on file changes. */
export const nodemon: Tool = {
  name: 'nodemon',
  missing: () => (existsSync(peerBin('nodemon/bin/nodemon.js')) ? undefined : 'npm install of nodemon failed'),
  lacks: { many: 'runs one command' },
  launch(o) {
    const c = o.children[0];
    if (c === undefined || o.children.length > 1) throw new Error('nodemon runs exactly one command');
    mkdirSync(join(o.dir, 'src'), { recursive: true });
    const delay = String((o.watchDebounceMs ?? 1000) / 1000);
    return start(NODE, [peerBin('nodemon/bin/nodemon.js'), '--watch', 'src', '--ext', 'txt', '--delay', delay, '--exec', line(c)], o, 'SIGINT');
  },
};

/** Every runner, procs first. */
export const RUNNERS: readonly Tool[] = [procs, concurrently, nf, foreman, pm2, supervisord, nodemon];
