// Opening a URL in the user's browser: `$BROWSER` when set (the first of its `:`-separated
// commands found on PATH), else `xdg-open`. Started on its own, its output let go: procs never
// waits for a browser.
import { spawn } from 'node:child_process';
import { onPath } from '../base/which.js';

/** The command that opens URLs here, or undefined when there is none. */
export function browserCommand(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const wanted = (env.BROWSER ?? '').split(':').filter((c) => c.trim() !== '');
  for (const command of [...wanted, 'xdg-open']) {
    const path = onPath(command.trim(), env.PATH ?? '');
    if (path !== undefined) return path;
  }
  return undefined;
}

/** Opens `url`; false when no browser command is found (the caller has printed the URL anyway). */
export function openUrl(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const command = browserCommand(env);
  if (command === undefined) return false;
  try {
    const child = spawn(command, [url], { detached: true, stdio: 'ignore', env });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
