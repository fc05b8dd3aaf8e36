// What watching costs and how fast it answers: a tree of 20,000 files in 2,000 folders, watched
// by one rule (`src/**/*.ts`, native events). Prints the time until the watcher is ready, the
// memory it added (RSS and heap), the latency from a file write to the start of the rule's run
// (its `watch` event, and the first line of its `run`) as the median of 20 writes against the
// debounce, and how many runs a burst of 1,000 files gives.
//
//   npm run build && node --expose-gc dist/bench/watch.js [--debounce 50] [--files 20000] [--poll]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec, WatchRule } from '../src/config/spec.js';
import { EventBus } from '../src/events/bus.js';
import type { ProcsEvent } from '../src/events/types.js';
import type { OutputSink } from '../src/events/sink.js';
import { createHost } from '../src/proc/create-host.js';
import { createRealDriver } from '../src/proc/real-driver.js';
import { createWatchSession } from '../src/watch/index.js';

/** Command-line flags of the benchmark. */
function flags(): { debounceMs: number; files: number; poll: boolean } {
  const argv = process.argv.slice(2);
  const value = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : Number(argv[i + 1]);
  };
  return { debounceMs: value('--debounce') ?? 50, files: value('--files') ?? 20_000, poll: argv.includes('--poll') };
}

/** `files` files spread over files/10 folders (two levels: 100 × N), 10 per folder. */
function makeTree(root: string, files: number): void {
  const folders = Math.ceil(files / 10);
  for (let f = 0; f < folders; f++) {
    const dir = join(root, 'src', `pkg${f % 100}`, `mod${Math.floor(f / 100)}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 10 && f * 10 + i < files; i++) writeFileSync(join(dir, `file${i}.ts`), `export const v = ${i};\n`);
  }
}

/** Resident and heap memory now, in MiB, after a GC when `--expose-gc` allows one. */
function memory(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

/** The middle value. */
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

/** An output sink that notes when the first line of each run arrives. */
function lineClock(onLine: () => void): OutputSink {
  return { write: () => (onLine(), true), onceDrain: (fn) => queueMicrotask(fn) };
}

/** Resolves on the next event of `type` from the bus. */
function nextEvent(bus: EventBus, type: ProcsEvent['type']): Promise<number> {
  return new Promise((resolve) => {
    const off = bus.subscribe((e) => {
      if (e.type !== type) return;
      off();
      resolve(performance.now());
    });
  });
}

/** Builds the tree, measures, cleans up. */
async function main(): Promise<void> {
  const o = flags();
  const root = mkdtempSync(join(tmpdir(), 'procs-bench-watch-'));
  try {
    makeTree(root, o.files);
    const rule: WatchRule = {
      name: 'build',
      paths: ['src/**/*.ts'],
      ignore: [],
      debounceMs: o.debounceMs,
      run: { kind: 'shell', shell: '/bin/sh', script: 'echo run' },
      restart: [],
      rolling: false,
      initial: false,
      poll: o.poll,
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    };
    const spec: Spec = { project: 'bench', root, files: [], env: {}, units: [], pools: [], watch: [rule] };
    const bus = new EventBus();
    let lineAt = 0;
    const before = memory();
    const t0 = performance.now();
    const sink = lineClock(() => (lineAt ||= performance.now()));
    const session = createWatchSession({
      spec,
      sink,
      processes: createRealDriver({ sink, host: createHost() }),
      publish: (e) => bus.publish(e),
      restart: async () => undefined,
    });
    if (session.rules.length === 0) throw new Error('no watch session');
    await session.started;
    const readyMs = performance.now() - t0;
    const after = memory();
    console.log(`tree: ${o.files} files in ${Math.ceil(o.files / 10)} folders; backend: ${o.poll ? 'polling' : 'native'}; debounce ${o.debounceMs}ms`);
    console.log(
      `ready in ${readyMs.toFixed(0)} ms; memory added: RSS ${(after.rss - before.rss).toFixed(1)} MiB, heap ${(after.heap - before.heap).toFixed(1)} MiB (RSS now ${after.rss.toFixed(0)} MiB)`,
    );

    const toEvent: number[] = [];
    const toRun: number[] = [];
    for (let i = 0; i < 20; i++) {
      const built = nextEvent(bus, 'build');
      const watched = nextEvent(bus, 'watch');
      lineAt = 0;
      const start = performance.now();
      writeFileSync(join(root, 'src', `pkg${i}`, 'mod0', 'file0.ts'), `export const v = ${i + 100};\n`);
      toEvent.push((await watched) - start);
      await built;
      toRun.push(lineAt - start);
    }
    console.log(
      `write → run triggered (watch event): median ${median(toEvent).toFixed(1)} ms (debounce ${o.debounceMs} ms, overhead ${(median(toEvent) - o.debounceMs).toFixed(1)} ms)`,
    );
    console.log(`write → first line of run:           median ${median(toRun).toFixed(1)} ms`);

    let runs = 0;
    bus.subscribe((e) => void (e.type === 'watch' && runs++));
    const built = nextEvent(bus, 'build');
    mkdirSync(join(root, 'src', 'burst'));
    for (let i = 0; i < 1000; i++) writeFileSync(join(root, 'src', 'burst', `f${i}.ts`), `export const b = ${i};\n`);
    await built;
    await new Promise((r) => setTimeout(r, 1000 + 4 * o.debounceMs));
    console.log(`burst of 1,000 files → ${runs} run(s)`);
    await session.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
