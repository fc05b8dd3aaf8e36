// Where the benchmark lives and keeps its scratch files (bench/tmp is git-ignored).
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root (this file runs from dist/bench/lib/). */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const BENCH_SRC = join(REPO, 'bench');
export const WORKLOADS = join(BENCH_SRC, 'workloads');
export const TMP = join(BENCH_SRC, 'tmp');
/** The peers installed from npm, outside the project's own dependencies. */
export const PEERS_DIR = join(TMP, 'peers');
