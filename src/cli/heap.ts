// The long-running commands (up, run, the daemon) keep V8's young generation at its initial
// size instead of letting it grow to 16 MiB per semi-space while procs starts: procs' resident
// memory stays ~15 MiB smaller for as long as it runs, and every fork() that starts a unit has
// that many fewer pages to copy. V8 reads this flag whenever it considers growing the space, so
// setting it at run time works.
import { setFlagsFromString } from 'node:v8';

export function keepYoungGenerationSmall(): void {
  if (process.env.PROCS_TRIAL_GROWTH === '1') return;
  setFlagsFromString('--semi-space-growth-factor=1');
}
