// What every exporter takes and gives: a spec and options in, files and notes out (no filesystem).

/** The engines `procs export` writes for. */
export const TARGETS = ['systemd', 'compose', 'kubernetes'] as const;

export type Target = (typeof TARGETS)[number];

/**
 * The image of containers (compose, Kubernetes) when `--image` is not given. procs has no image
 * concept; this one has Node, a /bin/sh with `set -o pipefail`, and busybox `wget` and `nc` for
 * the health checks compose runs inside the container.
 */
export const DEFAULT_IMAGE = 'node:24-alpine';

/** Where the project's files are inside a container: a unit's cwd maps below it. */
export const CONTAINER_ROOT = '/app';

export interface ExportOptions {
  /** The container image (compose, Kubernetes). Default: DEFAULT_IMAGE. */
  readonly image?: string;
  /**
   * The env files each unit reads, by unit name (absolute paths, lowest precedence first). Their
   * values are never copied: the engines reference the files (EnvironmentFile=, env_file:, a Secret).
   */
  readonly envFiles?: Readonly<Record<string, readonly string[]>>;
  /** The absolute folder the files will be written to, for paths relative to it (compose's env_file). */
  readonly outputDir?: string;
}

/** One file to write, relative to the output folder. */
export interface ExportFile {
  readonly path: string;
  readonly content: string;
}

export interface ExportResult {
  readonly files: readonly ExportFile[];
  /** What does not map, or maps only roughly: one line each, printed as `procs export: note: …`. */
  readonly notes: readonly string[];
}

/** Collects notes once each, in the order they are first made. */
export class Notes {
  private readonly seen = new Set<string>();

  /** Keeps a note unless it was made before. */
  add(note: string): void {
    this.seen.add(note);
  }

  /** The notes, first made first. */
  all(): string[] {
    return [...this.seen];
  }
}

/** Whether a word names an export target. */
export function isTarget(word: string): word is Target {
  return (TARGETS as readonly string[]).includes(word);
}
