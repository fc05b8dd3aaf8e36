// Finding a command as a shell would: a path as it is, a bare name on PATH (the first executable).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** The executable `command` names: itself when it is a path, else the first found on `path`. */
export function onPath(command: string, path: string): string | undefined {
  const candidates = command.includes('/')
    ? isAbsolute(command)
      ? [command]
      : []
    : path
        .split(delimiter)
        .filter(Boolean)
        .map((d) => join(d, command));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return undefined;
}
