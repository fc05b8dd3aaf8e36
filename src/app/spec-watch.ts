// A foreground `up` reloads when its spec or env files change. Editors often save by writing a
// new file and renaming it over the old one, so the folders are watched, not the files; a burst
// of saves gives one reload after `debounceMs` of quiet.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** Watches `files()` (asked again after each change); returns the function that stops watching. */
export function watchSpecFiles(files: () => readonly string[], onChange: () => void, debounceMs = 200): () => void {
  const watchers = new Map<string, FSWatcher>();
  let names = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const fire = (): void => {
    timer = undefined;
    if (closed) return;
    onChange();
    sync();
  };
  const changed = (dir: string, name: string | null): void => {
    if (name !== null && !names.has(`${dir}/${name}`)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };
  // Watches exactly the folders of the current files.
  const sync = (): void => {
    const list = files();
    names = new Set(list.map((f) => `${dirname(f)}/${basename(f)}`));
    const dirs = new Set(list.map((f) => dirname(f)));
    for (const [dir, w] of watchers) {
      if (dirs.has(dir)) continue;
      w.close();
      watchers.delete(dir);
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: false }, (_event, name) => changed(dir, name === null ? null : String(name)));
        w.on('error', () => undefined);
        watchers.set(dir, w);
      } catch {
        // a folder that cannot be watched is left out; an explicit `procs reload` still works
      }
    }
  };
  sync();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}
