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
  /** Kubernetes: the namespace every object is written in (`--namespace`); none when absent. */
  readonly namespace?: string;
  /** compose: write a minimal Node Dockerfile (and .dockerignore) beside compose.yaml and build from it (`--dockerfile`). */
  readonly dockerfile?: boolean;
  /** compose: bind-mount the project into the containers instead of building an image (`--mount`). */
  readonly mount?: boolean;
  /** systemd: the PATH the units run with (`--path`: the PATH `procs export` ran with). */
  readonly searchPath?: string;
  /** systemd: user units, installed under ~/.config/systemd/user (`--user`). */
  readonly user?: boolean;
  /**
   * The absolute path of a command name as procs would run it (looked up on PATH), undefined when
   * not found. Given by the command line; exporters stay pure and only call it.
   */
  readonly resolveCommand?: (name: string) => string | undefined;
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
  /** What became of each spec key a unit uses (export/keys.ts lists them): the `--check` table. */
  readonly keys: readonly KeyRow[];
}

/**
 * What a target made of a spec key: `mapped` (the engine does the same), `approximated` (it does
 * something close, said in `how`) or `dropped` (nothing; `how` says why).
 */
export type KeyFate = 'mapped' | 'approximated' | 'dropped';

/** One row of the `--check` table. */
export interface KeyRow {
  /** The process, pool or pipeline as the spec names it; `watch.NAME` for a watch rule. */
  readonly unit: string;
  /** The key below the unit, dotted as the spec writes it: `health.readiness.http`, `depends_on.db`. */
  readonly key: string;
  readonly fate: KeyFate;
  /** What the key became (`readinessProbe httpGet`), or why it is approximated or dropped; short. */
  readonly how: string;
}

/** Collects notes once each, in the order they are first made, and what became of each key. */
export class Notes {
  private readonly seen = new Set<string>();
  private readonly rows = new Map<string, KeyRow>();

  /** Keeps a note unless it was made before. */
  add(note: string): void {
    this.seen.add(note);
  }

  /** The notes, first made first. */
  all(): string[] {
    return [...this.seen];
  }

  /**
   * Records what became of `key` of `unit`. A key recorded twice keeps its worse fate (dropped over
   * approximated over mapped), so a key mapped in one place and lost in another reads as lost.
   */
  key(unit: string, key: string, fate: KeyFate, how: string): void {
    const id = `${unit}\u0000${key}`;
    const before = this.rows.get(id);
    if (before && FATE_RANK[before.fate] >= FATE_RANK[fate]) return;
    this.rows.set(id, { unit, key, fate, how });
  }

  /** The key rows, first recorded first. */
  keys(): KeyRow[] {
    return [...this.rows.values()];
  }
}

const FATE_RANK: Readonly<Record<KeyFate, number>> = { mapped: 0, approximated: 1, dropped: 2 };

/** Whether a word names an export target. */
export function isTarget(word: string): word is Target {
  return (TARGETS as readonly string[]).includes(word);
}
