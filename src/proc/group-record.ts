// The running units' process groups on disk (`.procs/groups.json`): each group's leader pid with
// its start time (field 22 of /proc/PID/stat). When procs and its guard (the spawner, or the
// shell guardian) are both killed, nothing is left to stop the units: the next `procs up` or
// `procs down` reads this record and ends the groups whose leader still runs with the same start
// time, so a reused pid is never signalled. The file is written whole (a new file renamed over
// it) at most once per turn of the event loop, and only by the procs holding the project's lock.
import { unlinkSync } from 'node:fs';
import { writeRegularSync } from '../events/regular-file.js';
import { readProc } from './procfs.js';

/** One group as recorded: its leader's pid (= pgid) and start time in clock ticks since boot. */
export interface RecordedGroup {
  readonly pgid: number;
  readonly start: string;
}

/** The groups one process host has running, written to a file once it is given one. */
export class GroupRecord {
  #file: string | undefined;
  readonly #groups = new Map<number, string>();
  #scheduled = false;

  /** Keeps the record in `path` from now on (undefined stops writing it). */
  recordIn(path: string | undefined): void {
    this.#file = path;
    this.#schedule();
  }

  /** A group was created: its leader `pgid` was just spawned. */
  note(pgid: number): void {
    const start = readProc(pgid)?.start;
    if (start === undefined) return;
    this.#groups.set(pgid, start);
    this.#schedule();
  }

  /** A group's leader has exited (or the group is gone): it is no longer recorded. */
  forget(pgid: number): void {
    if (this.#groups.delete(pgid)) this.#schedule();
  }

  /** Writes the record once this turn is over. */
  #schedule(): void {
    if (this.#file === undefined || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush()).unref();
  }

  /** Writes the record (removes it when no group runs); a failure only costs the record. */
  #flush(): void {
    this.#scheduled = false;
    const file = this.#file;
    if (file === undefined) return;
    try {
      if (this.#groups.size === 0) unlinkSync(file);
      else writeRegularSync(file, `${JSON.stringify([...this.#groups].map(([pgid, start]) => ({ pgid, start })))}\n`);
    } catch {
      // a read-only or full .procs: the record is lost, the units are not
    }
  }
}
