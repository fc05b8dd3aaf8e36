// Generated from schema/procs.schema.json by `npm run gen:types`. Do not edit: change the schema.
// The raw spec document as written (before normalization into the Spec of spec.ts).
/* eslint-disable */

/**
 * A dotenv file, or a list of them, relative to the spec's folder. A named file that is missing is an error.
 */
export type EnvFile = string | string[];
/**
 * An environment variable name.
 */
export type EnvName = string;
/**
 * A process: a server, a worker, or (with restart: never) a one-shot step.
 */
export type Process = Process1 & {
  profiles?: Profiles;
  enabled?: Enabled;
  hooks?: Hooks;
  extends?: Extends;
  schedule?: Schedule;
  command?: Command;
  /**
   * The port the process listens on: set as PORT, checked free before each start, and `${ports.NAME}` to the other units. `auto`: a free port procs picks and keeps for the project's life.
   */
  port?: number | 'auto';
  listen?: Listen;
  cwd?: Cwd;
  env?: Env;
  env_file?: EnvFile;
  depends_on?: DependsOn;
  health?: Health;
  /**
   * The unit must send WATCHDOG=1 to NOTIFY_SOCKET at least this often (procs sets WATCHDOG_USEC); when none arrives in time, it is restarted under its restart policy, as a liveness failure.
   */
  watchdog?: string | number;
  restart?: Restart;
  stop?: Stop;
  log?: Log;
  tty?: Tty;
  stdin?: Stdin;
  color?: Color;
  watch?: WatchShorthand;
};
export type Process1 = {
  [k: string]: unknown | undefined;
};
/**
 * Profiles this unit belongs to: it starts only when one of them is active (`procs up --profile NAME`, PROCS_PROFILES), when it is named (`procs up NAME`, `procs start NAME`), or as a dependency of a unit that starts. Without profiles a unit always starts.
 *
 * @minItems 1
 */
export type Profiles = [ProfileName, ...ProfileName[]];
/**
 * A profile name: letters, digits, `-`, `_` and `.`, starting with a letter or digit.
 */
export type ProfileName = string;
/**
 * false: the unit is defined but starts only when named (`procs up NAME`, `procs start NAME`) or needed by a unit that starts. Default: true.
 */
export type Enabled = boolean;
/**
 * A command. A string runs through `shell`; an array is executed directly, with no shell: [FILE, ARG…].
 *
 * @minItems 1
 */
export type Command = string | [string, ...string[]];
/**
 * Start from another unit's definition, this unit's keys winning key by key (maps such as env, health and restart merged at every depth; lists and other values replaced; chains allowed, a cycle is an error): a unit's name in the same section (a process extends a process, a pool a pool, a pipeline a pipeline), or `{ file, unit }` for one defined in another YAML spec file, relative to this one (its own includes are not read). Paths inherited from another file stay relative to that file's folder.
 */
export type Extends =
  | Name
  | {
      /**
       * A spec file, relative to this one. Default: this file.
       */
      file?: string;
      unit: Name;
    };
/**
 * A unit name: lowercase letters, digits, `-` and `_`, starting with a letter or digit; at most 63 characters.
 */
export type Name = string;
/**
 * Sockets procs binds before the unit starts and keeps open across its restarts, passed as fd 3… with LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES (systemd's socket activation): connections wait in the kernel's queue while the next run starts. An address, a list, or the full form. The first port is the unit's PORT. A pool's instances share the sockets.
 */
export type Listen =
  | ListenAddresses
  | {
      /**
       * A port, HOST:PORT, or a list of them: fd 3, 4, … in this order.
       */
      address: ListenAddress | [ListenAddress, ...ListenAddress[]];
      /**
       * node: procs preloads procs/listen into Node (through NODE_OPTIONS), so that `server.listen(PORT)` on a passed port takes the passed socket and the old run finishes its requests on SIGTERM. Default: none.
       */
      adopt?: 'node' | 'none';
      /**
       * Connections the kernel queues while no run accepts them. Default: 511.
       */
      backlog?: number;
    };
export type ListenAddresses = ListenAddress | [ListenAddress, ...ListenAddress[]];
/**
 * A TCP address: a port (every address, IPv6 and IPv4), or HOST:PORT with HOST an IP address or localhost (`127.0.0.1:3000`, `[::1]:3000`).
 */
export type ListenAddress = number | string;
/**
 * Working directory, relative to the spec's folder. Default: the spec's folder.
 */
export type Cwd = string;
/**
 * Units to wait for: a list (each must have started), or a map of name to `started`, `healthy` or `completed`, or to `{ condition, restart }`. A pool name means every instance.
 */
export type DependsOn =
  | Name[]
  | {
      [k: string]:
        | DependencyCondition
        | {
            /**
             * started: the unit has been spawned. healthy: its readiness probe passed (or it started, without one). completed: it ended with a success code.
             */
            condition?: 'started' | 'healthy' | 'completed';
            /**
             * When the dependency restarts (a crash, a rebuild, `procs restart`), this unit is stopped first and started again once the dependency meets the condition again. Default: false.
             */
            restart?: boolean;
          }
        | undefined;
    };
/**
 * started: the unit has been spawned. healthy: its readiness probe passed (or it started, without one). completed: it ended with a success code.
 */
export type DependencyCondition = 'started' | 'healthy' | 'completed';
/**
 * When to restart the unit after it ends: a policy name, or the full form.
 */
export type Restart = RestartPolicy | RestartOptions;
/**
 * always, on-failure (default) or never. max_restarts (default 5) bounds `always` too.
 */
export type RestartPolicy = 'always' | 'on-failure' | 'never';
/**
 * Run on a pseudo-terminal (for a pipeline: its last step's stdout and stderr), so that the program sees a terminal: colours, line buffering, interactive keys through `procs attach`. Output still goes to the prefixed lines and the log files. Default: false.
 */
export type Tty = boolean;
/**
 * Give the unit a stdin pipe from procs: text typed through `procs attach` reaches it. Without it stdin is /dev/null (with `tty: true` input always goes through the terminal). Default: false.
 */
export type Stdin = boolean;
/**
 * When procs writes to a coloured terminal, units without `tty` get FORCE_COLOR=1 unless their env sets FORCE_COLOR or NO_COLOR; false leaves it out for this unit. Default: true.
 */
export type Color = boolean;
/**
 * Globs (relative to the unit's cwd) whose changes restart this unit.
 *
 * @minItems 1
 */
export type WatchShorthand = [string, ...string[]];
/**
 * A pool: `replicas` identical instances NAME.0, NAME.1, …; depending on a pool means on every instance.
 */
export type Pool = Pool1 & {
  profiles?: Profiles;
  enabled?: Enabled;
  hooks?: Hooks;
  extends?: Extends;
  command?: Command;
  /**
   * Instances kept alive: NAME.0 … NAME.(replicas-1), each with WORKER_ID. Default: 1.
   */
  replicas?: number;
  /**
   * First port: instance I gets PORT = port + I.
   */
  port?: number;
  listen?: Listen;
  cwd?: Cwd;
  env?: Env;
  env_file?: EnvFile;
  depends_on?: DependsOn;
  health?: Health;
  /**
   * The unit must send WATCHDOG=1 to NOTIFY_SOCKET at least this often (procs sets WATCHDOG_USEC); when none arrives in time, it is restarted under its restart policy, as a liveness failure.
   */
  watchdog?: string | number;
  restart?: Restart;
  stop?: Stop;
  log?: Log;
  tty?: Tty;
  stdin?: Stdin;
  color?: Color;
  watch?: WatchShorthand;
};
export type Pool1 = {
  [k: string]: unknown | undefined;
};
/**
 * A pipeline: steps joined by OS pipes, run and restarted as one unit.
 */
export type Pipeline = Pipeline1 & {
  profiles?: Profiles;
  enabled?: Enabled;
  hooks?: Hooks;
  extends?: Extends;
  schedule?: Schedule;
  /**
   * Commands whose stdout feeds the next one's stdin, through OS pipes. Exit status: the last non-zero one (pipefail).
   *
   * @minItems 1
   */
  steps?: [Command, ...Command[]];
  cwd?: Cwd;
  env?: Env;
  env_file?: EnvFile;
  depends_on?: DependsOn;
  health?: Health;
  /**
   * The unit must send WATCHDOG=1 to NOTIFY_SOCKET at least this often (procs sets WATCHDOG_USEC); when none arrives in time, it is restarted under its restart policy, as a liveness failure.
   */
  watchdog?: string | number;
  restart?: Restart;
  stop?: Stop;
  log?: Log;
  tty?: Tty;
  stdin?: Stdin;
  color?: Color;
};
export type Pipeline1 = {
  [k: string]: unknown | undefined;
};

/**
 * A procs spec (version 1): the processes, pools, pipelines and watch rules a project runs.
 */
export interface ProcsSpec {
  /**
   * Spec format version. Only 1 exists; optional.
   */
  version?: 1;
  /**
   * Project name, seen as PROCS_PROJECT. Default: the base name of the spec's folder. No control characters.
   */
  name?: string;
  env?: Env;
  env_file?: EnvFile;
  /**
   * true (default): units inherit procs' environment. false: a unit sees only what is declared. A list: only these names pass through.
   */
  inherit_env?: boolean | EnvName[];
  /**
   * The shell that runs string commands, as `SHELL -c SCRIPT`. Default: /bin/sh.
   */
  shell?: string;
  /**
   * Other YAML spec files merged into this one, relative to this file: their processes, pools, pipelines and watch rules join this spec's (a name defined twice is an error naming both files). In an included file, relative paths (cwd, env_file, watch paths) resolve against its own folder, where its units run without cwd; its env and env_file apply to its own units only (its env under each unit's env, its env_file before each unit's env_file; no default .env is read for it); its name and version are ignored, and its shell and inherit_env, when set, must be this spec's. A file included twice is read once; a cycle is an error.
   */
  include?: string | string[];
  /**
   * Long-running processes and one-shot steps, by name.
   */
  processes?: {
    [k: string]: Process | undefined;
  };
  /**
   * Groups of identical instances NAME.0, NAME.1, …, by name.
   */
  pools?: {
    [k: string]: Pool | undefined;
  };
  /**
   * Chains of commands joined by OS pipes, run as one unit, by name.
   */
  pipelines?: {
    [k: string]: Pipeline | undefined;
  };
  /**
   * File watch rules, by name: on change, optionally sync and run a build step, then restart units.
   */
  watch?: {
    [k: string]: WatchRule | undefined;
  };
  /**
   * Extension field, ignored by procs: a place to define YAML anchors (`x-defaults: &defaults`).
   *
   * This interface was referenced by `ProcsSpec`'s JSON-Schema definition
   * via the `patternProperty` "^x-".
   */
  [k: string]:
    | {
        [k: string]: unknown | undefined;
      }
    | 1
    | string
    | Env
    | EnvFile
    | boolean
    | EnvName[]
    | string[]
    | {
        [k: string]: Process | undefined;
      }
    | {
        [k: string]: Pool | undefined;
      }
    | {
        [k: string]: Pipeline | undefined;
      }
    | {
        [k: string]: WatchRule | undefined;
      }
    | undefined;
}
/**
 * Environment variables. Values may use ${VAR}, ${VAR:-default} and ${VAR:?message}; $$ is a literal $.
 */
export interface Env {
  [k: string]: string | number | boolean | undefined;
}
/**
 * Commands run around the unit's life.
 */
export interface Hooks {
  /**
   * After each run is up (ready, when it has a readiness probe; else running). Dependents with condition healthy wait for it (started ones do not); a failure or timeout stops the run and the restart policy decides.
   */
  post_start?:
    | Command
    | {
        command: Command;
        /**
         * Killed (its whole process group) after this long, which fails it. Default: 30s.
         */
        timeout?: string | number;
      };
  /**
   * Before the stop signal whenever procs stops a run that is still alive (stop, down, restart, reload, a failed liveness probe), not after it exited on its own; its time counts into the stop timeout, and when that runs out the hook is killed and the unit gets SIGKILL.
   */
  pre_stop?:
    | Command
    | {
        command: Command;
        /**
         * Killed (its whole process group) after this long, which fails it. Default: 30s.
         */
        timeout?: string | number;
      };
  /**
   * When the unit has failed for good (no restart left), with PROCS_FAILED_UNIT, PROCS_EXIT_CODE and PROCS_EXIT_SIGNAL (empty when not applicable). procs does not end before it has.
   */
  on_failure?:
    | Command
    | {
        command: Command;
        /**
         * Killed (its whole process group) after this long, which fails it. Default: 30s.
         */
        timeout?: string | number;
      };
}
/**
 * Makes the unit a scheduled job: started at each tick instead of kept running, `scheduled` between runs (it counts as up, and never completes: depends_on it with started). Exactly one of cron and every. Its restart policy defaults to never (a failing run waits for the next tick); on-failure retries a failing run first.
 */
export interface Schedule {
  /**
   * Five fields (minute hour day-of-month month day-of-week), or six with seconds first; names (`mon`, `jan`) and @hourly, @daily, @weekly, @monthly, @yearly.
   */
  cron?: string;
  /**
   * A fixed interval, counted from when procs starts the unit.
   */
  every?: string | number;
  /**
   * An IANA time zone (`Europe/Paris`) for cron. Default: the system's.
   */
  timezone?: string;
  /**
   * Also run once when procs starts it. Default: false.
   */
  run_on_start?: boolean;
  /**
   * A run still going at the next tick (or retrying): forbid (default) skips the tick, allow starts another run beside it (its output the unit's, its end the unit's last run; not with tty, stdin, listen or port, which one run holds), replace stops it like a restart and starts a new one.
   */
  concurrency?: 'forbid' | 'allow' | 'replace';
}
/**
 * Health probes.
 */
export interface Health {
  readiness?: ReadinessProbe;
  liveness?: LivenessProbe;
}
/**
 * Gates `depends_on: healthy`, `--wait` and `procs run`. Exactly one of exec, http, tcp, log, notify.
 */
export interface ReadinessProbe {
  exec?: Command;
  /**
   * Healthy when a GET of this URL answers 2xx or 3xx.
   */
  http?: string;
  /**
   * Healthy when HOST:PORT accepts a connection.
   */
  tcp?: string | number;
  /**
   * Ready once a line of the unit's output matches this regular expression.
   */
  log?: string;
  /**
   * Ready once the unit sends READY=1 to the socket procs names in NOTIFY_SOCKET (systemd's sd_notify, or `systemd-notify --ready`).
   */
  notify?: true;
  /**
   * Time between checks. Default: 1s.
   */
  interval?: string | number;
  /**
   * How long one check may take. Default: 1s.
   */
  timeout?: string | number;
  /**
   * Wait this long after start before the first check. Default: 0.
   */
  initial_delay?: string | number;
  /**
   * Consecutive failures that make the unit unhealthy. Default: 3.
   */
  failure_threshold?: number;
  /**
   * Consecutive successes that make the unit healthy. Default: 1.
   */
  success_threshold?: number;
}
/**
 * After failure_threshold misses, the unit is restarted under its restart policy. Exactly one of exec, http, tcp.
 */
export interface LivenessProbe {
  exec?: Command;
  /**
   * Healthy when a GET of this URL answers 2xx or 3xx.
   */
  http?: string;
  /**
   * Healthy when HOST:PORT accepts a connection.
   */
  tcp?: string | number;
  /**
   * Time between checks. Default: 1s.
   */
  interval?: string | number;
  /**
   * How long one check may take. Default: 1s.
   */
  timeout?: string | number;
  /**
   * Wait this long after start before the first check. Default: 0.
   */
  initial_delay?: string | number;
  /**
   * Consecutive failures that make the unit unhealthy. Default: 3.
   */
  failure_threshold?: number;
  /**
   * Consecutive successes that make the unit healthy again. Default: 1.
   */
  success_threshold?: number;
}
/**
 * The full form of `restart`.
 */
export interface RestartOptions {
  policy?: RestartPolicy;
  /**
   * Restarts allowed before the unit is failed. Default: 5.
   */
  max_restarts?: number;
  /**
   * Delay before each restart: initial, multiplied by factor each time, up to max.
   */
  backoff?: {
    /**
     * Default: 250ms.
     */
    initial?: string | number;
    /**
     * Default: 2.
     */
    factor?: number;
    /**
     * Default: 30s.
     */
    max?: string | number;
  };
  /**
   * A run that stays up this long resets the restart count. Default: 30s.
   */
  reset_after?: string | number;
  /**
   * Exit codes that count as success. Default: [0].
   *
   * @minItems 1
   */
  success_codes?: [number, ...number[]];
}
/**
 * How the unit is stopped: the signal goes to its process group, then SIGKILL after timeout.
 */
export interface Stop {
  /**
   * Default: SIGTERM.
   */
  signal?:
    | 'SIGHUP'
    | 'SIGINT'
    | 'SIGQUIT'
    | 'SIGILL'
    | 'SIGTRAP'
    | 'SIGABRT'
    | 'SIGBUS'
    | 'SIGFPE'
    | 'SIGKILL'
    | 'SIGUSR1'
    | 'SIGSEGV'
    | 'SIGUSR2'
    | 'SIGPIPE'
    | 'SIGALRM'
    | 'SIGTERM'
    | 'SIGCHLD'
    | 'SIGCONT'
    | 'SIGSTOP'
    | 'SIGTSTP'
    | 'SIGTTIN'
    | 'SIGTTOU'
    | 'SIGURG'
    | 'SIGXCPU'
    | 'SIGXFSZ'
    | 'SIGVTALRM'
    | 'SIGPROF'
    | 'SIGWINCH'
    | 'SIGIO'
    | 'SIGPWR'
    | 'SIGSYS'
    | 'HUP'
    | 'INT'
    | 'QUIT'
    | 'ILL'
    | 'TRAP'
    | 'ABRT'
    | 'BUS'
    | 'FPE'
    | 'KILL'
    | 'USR1'
    | 'SEGV'
    | 'USR2'
    | 'PIPE'
    | 'ALRM'
    | 'TERM'
    | 'CHLD'
    | 'CONT'
    | 'STOP'
    | 'TSTP'
    | 'TTIN'
    | 'TTOU'
    | 'URG'
    | 'XCPU'
    | 'XFSZ'
    | 'VTALRM'
    | 'PROF'
    | 'WINCH'
    | 'IO'
    | 'PWR'
    | 'SYS';
  /**
   * Default: 10s.
   */
  timeout?: string | number;
}
/**
 * The unit's log file .procs/logs/UNIT.log, rotated by size.
 */
export interface Log {
  /**
   * Rotate past this size. Default: 10MB.
   */
  max_size?: string | number;
  /**
   * Rotated files kept. Default: 3.
   */
  keep?: number;
}
/**
 * A watch rule: on changes to `paths`, optionally `sync` and `run`, then restart units.
 */
export interface WatchRule {
  /**
   * Globs to watch, relative to the rule's cwd (default: the spec's folder).
   *
   * @minItems 1
   */
  paths: [string, ...string[]];
  /**
   * Globs to leave out. .git, node_modules and .procs are always ignored.
   */
  ignore?: string[];
  /**
   * Changes within this window give one run. Default: 150ms.
   */
  debounce?: string | number;
  /**
   * Mirror changed files (deletions too) into this folder first.
   */
  sync?: string;
  run?: Command;
  /**
   * Units (or pools) restarted after a successful run.
   */
  restart?: Name[];
  /**
   * Restart pools one instance at a time, each ready before the next. Default: false.
   */
  rolling?: boolean;
  /**
   * Also run once at `up`, before the targets first start. Default: false.
   */
  initial?: boolean;
  /**
   * Poll instead of native file events (network filesystems). Default: false.
   */
  poll?: boolean;
  cwd?: Cwd;
  env?: Env;
}
