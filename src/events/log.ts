// The project's event history: `.procs/events.ndjson`, one whole JSON object per line, in
// publish order. Writing never throws into the runtime and never blocks it: lines are queued
// and written off the event loop; a disk problem is reported once and lines are dropped
// (never cut) until the file can be written again. It rotates by size like the unit logs
// (`events.ndjson.1` … `.3`, 10 MB each), so a crash loop cannot fill the disk; a symlink or FIFO
// planted in its place is replaced, never followed.

import { join } from 'node:path';
import { AppendFile, ownLogRotation, type Rotation } from './append-file.js';
import type { ProcsEvent } from './types.js';

const EVENTS_FILE = 'events.ndjson';

export interface EventLogOptions {
  /** Told once about the first failure, e.g. ENOSPC, EFBIG, EACCES, ENOTDIR. */
  readonly onError?: (error: Error) => void;
  /** Characters queued at most while the disk is slow; beyond, events are dropped. */
  readonly maxPending?: number;
  /** Size and count of its rotations (default: `ownLogRotation()`). */
  readonly rotation?: Rotation;
}

export class EventLog {
  readonly path: string;
  readonly #file: AppendFile;

  /** `procsDir` is the project's `.procs` folder; it is created (mode 0700) on the first event. */
  constructor(procsDir: string, options: EventLogOptions = {}) {
    this.path = join(procsDir, EVENTS_FILE);
    this.#file = new AppendFile(this.path, {
      dirMode: 0o700,
      fileMode: 0o600,
      rotation: options.rotation ?? ownLogRotation(),
      replaceOdd: true,
      ...(options.onError ? { onError: options.onError } : {}),
      ...(options.maxPending ? { maxPending: options.maxPending } : {}),
    });
  }

  /** Queues one event as one line; usable directly as a bus subscriber. */
  readonly append = (event: ProcsEvent): void => {
    let line: string;
    try {
      line = JSON.stringify(event) + '\n';
    } catch {
      return;
    }
    this.#file.append(line);
  };

  /** Writes every queued line and closes the file. */
  close(): Promise<void> {
    return this.#file.close();
  }
}
