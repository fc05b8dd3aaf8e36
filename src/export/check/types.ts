// What a check of exported files reports: per file (or per group of files), which checker looked
// at it and what it found. No problems: the file passed.
export interface CheckReport {
  /** The file checked, relative to the output folder (or several, joined by ", "). */
  readonly file: string;
  /** What checked it: `compose-spec JSON schema`, `kubernetes-models 5 and procs' rules`, `systemd-analyze verify`. */
  readonly checker: string;
  /** One line each, naming the object or line at fault; empty when the file passed. */
  readonly problems: readonly string[];
}
