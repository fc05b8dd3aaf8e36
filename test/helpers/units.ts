// Building normalized units for runtime tests, with the defaults the contract gives.
import { fileURLToPath } from 'node:url';
import type { Command, PipelineUnit, ProcessUnit, RestartSpec, StopSpec } from '../../src/config/spec.js';

/** The folder of the fixture programs, from the compiled dist/test/helpers. */
export const FIXTURES = fileURLToPath(new URL('../../../fixtures/bin/', import.meta.url));

export const DEFAULT_RESTART: RestartSpec = {
  policy: 'on-failure',
  maxRestarts: 5,
  backoff: { initialMs: 250, factor: 2, maxMs: 30_000 },
  resetAfterMs: 30_000,
  successCodes: [0],
};

export const DEFAULT_STOP: StopSpec = { signal: 'SIGTERM', timeoutMs: 10_000 };

// The path of a fixture program.
export function fixture(name: string): string {
  return `${FIXTURES}${name}`;
}

// A command running a fixture directly (its shebang picks `node` from PATH).
export function fx(name: string, ...args: string[]): Command {
  return { kind: 'exec', file: fixture(name), args };
}

// A command run through /bin/sh.
export function sh(script: string): Command {
  return { kind: 'shell', shell: '/bin/sh', script };
}

// A small environment: PATH and HOME only, so tests see exactly what they set.
export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/', ...extra };
}

// A process unit with defaults; `over` replaces any field.
export function processUnit(name: string, command: Command, over: Partial<ProcessUnit> = {}): ProcessUnit {
  return {
    name,
    kind: 'process',
    cwd: process.cwd(),
    env: baseEnv(),
    dependsOn: [],
    restart: DEFAULT_RESTART,
    stop: DEFAULT_STOP,
    health: {},
    log: { maxSizeBytes: 10_000_000, keep: 3 },
    hash: name,
    command,
    ...over,
  };
}

// A pipeline unit with defaults; `over` replaces any field.
export function pipelineUnit(name: string, steps: readonly Command[], over: Partial<PipelineUnit> = {}): PipelineUnit {
  const { command: _command, ...base } = processUnit(name, sh('true'));
  return { ...base, kind: 'pipeline', steps, ...over };
}
