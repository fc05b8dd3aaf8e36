// procs' version, from its package.json; with --verbose, what it runs on and how.
import { readFileSync } from 'node:fs';
import { packageFile } from '../self.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** `procs --version --verbose`: the version, Node, the platform, the spawner, the package root. */
export async function verboseVersion(): Promise<string> {
  const spawner = await (await import('../app/doctor.js')).spawnerCheck();
  return (
    [
      `procs ${version()}`,
      `node ${process.versions.node}`,
      `platform ${process.platform} ${process.arch}`,
      `spawner ${spawner.detail}`,
      `package ${packageFile('')}`,
    ].join('\n') + '\n'
  );
}
