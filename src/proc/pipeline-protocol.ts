// What procs and its pipeline runner (pipeline-runner.ts, a script of its own) share: the
// runner's report and where the unit's NODE_OPTIONS travel. Kept apart so that procs never
// imports the runner's script.

/** How one step ended, as the runner reports it on fd 2. */
export interface StepEnd {
  readonly code: number | null;
  readonly signal: string | null;
  readonly status: number;
  readonly errno?: string;
  readonly message?: string;
}

/** The runner's last line on fd 2: the pipefail result. */
export interface RunnerReport {
  readonly procsPipeline: { readonly step?: number; readonly end: StepEnd };
}

/** Where procs passes the unit's NODE_OPTIONS, kept away from the runner's own node. */
export const NODE_OPTIONS_VAR = 'PROCS_PIPELINE_NODE_OPTIONS';

/** How the runner wires the ends of the pipeline (its argv[3], JSON). */
export interface RunnerOptions {
  /** The fd of the unit's terminal (`tty: true`): the last step's stdout and stderr. */
  readonly ttyFd?: number;
  /** The runner's stdin is a pipe from procs (`stdin: true`): the first step's stdin. */
  readonly stdin?: boolean;
}
