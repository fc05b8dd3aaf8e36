// What the command line gives the application: typed options, already parsed and checked, and
// the streams to write to. Nothing here knows about argv.
import type { Writable } from 'node:stream';
import type { Spec } from '../config/spec.js';

/** Where a command's words go: the command line's stdout and stderr. */
export interface Terminal {
  readonly out: Writable;
  readonly err: Writable;
}

/** How a running project shows on the terminal. */
export interface Display extends Terminal {
  /** NDJSON instead of text (`--json`). */
  readonly json: boolean;
  readonly color: boolean;
  /** How the startup phase shows: a task list on a terminal, GitHub Actions groups in CI, or plain lines. */
  readonly startupView: 'tasks' | 'ci-groups' | 'gitlab-sections' | undefined;
  /**
   * Resolves once what was written to `out` is handed on, when `out` may hold some after a write
   * returns (a terminal written without blocking); without it, a write is done when it returns.
   */
  readonly written?: () => Promise<void>;
}

/** Which spec: `-f` files (none: discovered from the current folder) and `-m` counts (undefined without `-m`). */
export interface SpecRequest {
  readonly files: readonly string[];
  readonly formation: Readonly<Record<string, number>> | undefined;
}

/** The watch flags: `--no-watch` and `--ignore GLOB…`. */
export interface WatchFlags {
  readonly off: boolean;
  readonly ignore: readonly string[];
}

/** `procs up` (and the daemon it starts): which spec, which units, and how. */
export interface UpOptions {
  readonly spec: SpecRequest;
  /** The units named (none: every unit). */
  readonly units: readonly string[];
  readonly watch: WatchFlags;
  readonly abortOnFailure: boolean;
  /** `--exit-code-from UNIT`. */
  readonly exitFrom: string | undefined;
  /** `--wait`: return once every unit is up. */
  readonly wait: boolean;
  /** `--wait-timeout` in milliseconds. */
  readonly waitTimeoutMs: number | undefined;
  /** `--no-deps`: start only the named units, not waiting for dependencies that are not running. */
  readonly noDeps: boolean;
  /** The active profiles (`--profile`, else PROCS_PROFILES): units with other profiles start only when named. */
  readonly profiles: readonly string[];
  /** With `--wait`: where the CI report goes (`--report DIR`, `$GITHUB_STEP_SUMMARY`). */
  readonly report?: ReportRequest;
  /** `--ui`: serve the web dashboard too (`--ui-port`, `--no-open`). */
  readonly ui?: { readonly port?: number; readonly open: boolean };
}

/** `procs run [UNIT…] -- CMD…`. */
export interface RunOptions {
  readonly spec: SpecRequest;
  readonly units: readonly string[];
  readonly cmd: readonly string[];
  readonly watch: WatchFlags;
  /** `--attach`: against the project already running. */
  readonly attach: boolean;
  readonly timeoutMs: number | undefined;
  /** The active profiles, as for `up`. */
  readonly profiles: readonly string[];
  /** Where the CI report goes (`--report DIR`, `$GITHUB_STEP_SUMMARY`). */
  readonly report?: ReportRequest;
}

/** Where a CI report is written: none of the two, no report. */
export interface ReportRequest {
  /** `--report DIR` (absolute): report.md and the post-mortem bundle. */
  readonly dir?: string;
  /** `$GITHUB_STEP_SUMMARY`: the Markdown is appended to it. */
  readonly summaryFile?: string;
  /** The resolved spec as `procs config` prints it, values shown as `<set>`. */
  readonly specText: (spec: Spec) => Promise<string>;
}
