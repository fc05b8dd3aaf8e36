// The file watcher of one rule, over chokidar with native events (polling only on request).
// chokidar is imported here, lazily, so a project without watch rules never loads it.
import type { FSWatcher } from 'chokidar';
import type { Stats } from 'node:fs';
import type { RuleMatcher } from './match.js';

/** A change chokidar saw to a file the rule accepts. */
export type ChangeKind = 'add' | 'change' | 'unlink';

export interface WatcherOptions {
  /** Absolute folder the matcher's paths are relative to. */
  readonly cwd: string;
  readonly matcher: RuleMatcher;
  /** Poll instead of native events (network filesystems). */
  readonly poll: boolean;
  /** A file the rule accepts was added, changed or deleted (path relative to `cwd`). */
  readonly onChange: (rel: string, kind: ChangeKind) => void;
  /** The watcher failed (an inotify limit, a folder that cannot be read). */
  readonly onError: (error: Error) => void;
  /** Also report the files found by the first scan, before `ready` (for a first full `sync`). */
  readonly reportInitial?: boolean;
}

export interface WatchHandle {
  /** Resolves once the first scan is done and changes are being watched. */
  readonly ready: Promise<void>;
  /** Stops watching; resolves once every native watch is released. */
  close(): Promise<void>;
}

// Whether chokidar should skip a path: left out by the rule, or a file none of its globs takes.
function ignoredBy(matcher: RuleMatcher): (p: string, stats?: Stats) => boolean {
  return (p, stats) => {
    const rel = matcher.relative(p);
    if (matcher.excluded(rel, stats?.isDirectory())) return true;
    return stats?.isFile() === true && !matcher.accepts(rel);
  };
}

/** Starts watching a rule's roots. */
export async function openWatcher(opts: WatcherOptions): Promise<WatchHandle> {
  const { watch } = await import('chokidar');
  const { matcher } = opts;
  const watcher: FSWatcher = watch([...matcher.roots], {
    cwd: opts.cwd,
    ignored: ignoredBy(matcher),
    ignoreInitial: opts.reportInitial !== true,
    backend: opts.poll ? 'polling' : 'native',
    persistent: true,
  });
  const report = (kind: ChangeKind) => (p: string) => {
    const rel = matcher.relative(p);
    if (matcher.accepts(rel)) opts.onChange(rel, kind);
  };
  watcher.on('add', report('add'));
  watcher.on('change', report('change'));
  watcher.on('unlink', report('unlink'));
  watcher.on('error', (err: unknown) => opts.onError(err instanceof Error ? err : new Error(String(err))));
  let closed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    closed = resolve;
    watcher.once('ready', resolve);
  });
  let closing: Promise<void> | undefined;
  return {
    ready,
    close: () => {
      closed();
      return (closing ??= watcher.close());
    },
  };
}
