// `procs --version --verbose`. Apart from version.ts because of its lazy import of the doctor's
// spawner check: a bundle entry with no lazy import (validate-main.ts) keeps its modules' code at
// the top level of its file, where Node's compile cache has it.
import { packageFile } from '../self.js';
import { version } from './version.js';

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
