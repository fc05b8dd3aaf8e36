// Helpers for the watch tests: throwaway folders removed after each test, rules built with the
// contract's defaults, and a recorder that lets a test await an event instead of sleeping.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'node:test';
import type { WatchRule } from '../../src/config/spec.js';
import type { ProcsEvent } from '../../src/events/types.js';
import type { EventInput } from '../../src/runtime/supervisor.js';
import { baseEnv } from '../helpers/units.js';

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder with `files` (path → content), removed after the current test. */
export function tempTree(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'procs-watch-'));
  folders.push(dir);
  for (const [name, content] of Object.entries(files)) write(dir, name, content);
  return dir;
}

/** Writes a file, making its folders. */
export function write(dir: string, name: string, content: string): void {
  mkdirSync(dirname(join(dir, name)), { recursive: true });
  writeFileSync(join(dir, name), content);
}

/** A watch rule with the defaults the loader fills in; `over` replaces any field. */
export function rule(cwd: string, over: Partial<WatchRule> = {}): WatchRule {
  return {
    name: 'build',
    paths: ['src/**'],
    ignore: [],
    debounceMs: 150,
    restart: [],
    rolling: false,
    initial: false,
    poll: false,
    cwd,
    env: baseEnv(),
    ...over,
  };
}

/** A `run` command through /bin/sh. */
export function sh(script: string): WatchRule['run'] {
  return { kind: 'shell', shell: '/bin/sh', script };
}

type Waiter = { readonly test: (e: ProcsEvent) => boolean; readonly resolve: (e: ProcsEvent) => void };

/** Keeps every event published; `next` resolves on the first later event that matches. */
export class EventRecorder {
  readonly events: ProcsEvent[] = [];
  #waiters: Waiter[] = [];

  /** The publish function to hand to the code under test. */
  readonly publish = (input: EventInput): void => {
    const e = { ts: new Date().toISOString(), ...input } as ProcsEvent;
    this.events.push(e);
    this.#waiters = this.#waiters.filter((w) => !(w.test(e) && (w.resolve(e), true)));
  };

  /** Events of one type. */
  of<T extends ProcsEvent['type']>(type: T): Extract<ProcsEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<ProcsEvent, { type: T }> => e.type === type);
  }

  /** The next event (from now on) that matches; rejects after `timeoutMs` as a failure guard. */
  next<T extends ProcsEvent['type']>(
    type: T,
    test: (e: Extract<ProcsEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<Extract<ProcsEvent, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`)), timeoutMs);
      this.#waiters.push({
        test: (e) => e.type === type && test(e as Extract<ProcsEvent, { type: T }>),
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<ProcsEvent, { type: T }>);
        },
      });
    });
  }
}
