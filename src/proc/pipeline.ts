// Pipelines: every step in one process group, stdout of each step feeding stdin of the next
// through OS pipes that procs never reads. A small runner (pipeline-runner.ts) leads the group and
// starts the steps, since Node cannot place a child into an existing group.
import type { Readable } from 'node:stream';
import type { PipelineUnit } from '../config/spec.js';
import type { ExitInfo } from '../events/types.js';
import type { OutputSink } from '../events/sink.js';
import { realClock } from '../base/clock.js';
import { pumpLines } from './lines.js';
import { TerminalLines } from './terminal-lines.js';
import { NODE_OPTIONS_VAR, type RunnerOptions, type RunnerReport } from './pipeline-protocol.js';
import { onTerminal, outputEnv, ttyHelper } from './tty.js';
import { DEFAULT_WINDOW } from './unit-input.js';
import { RawOutput, unitInput } from './unit-io.js';
import { exitInfo, spawnFailure } from '../events/signals.js';
import {
  checkCwd,
  commandLine,
  groupLeader,
  type LaunchRequest,
  type Launcher,
  notStarted,
  spawnErrorInfo,
  withoutEnvValues,
  type SpawnedUnit,
  type SpawnOptions,
} from './spawn.js';
import { PIPELINE_RUNNER_SCRIPT } from '../self.js';

const RUNNER = PIPELINE_RUNNER_SCRIPT;
const REPORT_PREFIX = '{"procsPipeline":';
/** The runner's own fd 2 holds a status line and, rarely, an error: more than this is dropped. */
const RUNNER_TEXT_LIMIT = 64 * 1024;

// The runner's environment: the unit's, with NODE_OPTIONS moved aside so only the steps see it.
function runnerEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...env };
  const nodeOptions = out.NODE_OPTIONS;
  delete out.NODE_OPTIONS;
  if (nodeOptions !== undefined) out[NODE_OPTIONS_VAR] = nodeOptions;
  return out;
}

// Reads the runner's fd 2 to its end: the report line, and any other text it wrote.
function readRunnerText(stream: Readable | null | undefined): Promise<{ report?: RunnerReport; other: string }> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (): void => {
      const lines = text.split('\n');
      const idx = lines.findLastIndex((l) => l.startsWith(REPORT_PREFIX));
      const report = idx < 0 ? undefined : (JSON.parse(lines[idx] ?? '') as RunnerReport);
      if (idx >= 0) lines.splice(idx, 1);
      resolve({ report, other: lines.join('\n').trim() });
    };
    if (stream === null || stream === undefined) return finish();
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      if (text.length < RUNNER_TEXT_LIMIT) text += chunk;
    });
    stream.once('end', finish);
    stream.once('error', finish);
  });
}

// The pipeline's ExitInfo: the runner's report when it gave one, else how the runner itself ended.
function pipelineExit(unit: PipelineUnit, leader: ExitInfo, report: RunnerReport | undefined, other: string): ExitInfo {
  if (report === undefined) {
    if (leader.error !== undefined || leader.signal !== null) return leader;
    const why = other === '' ? `pipeline runner exited with code ${leader.status}` : other;
    return spawnFailure(why, leader.status === 0 ? 1 : leader.status, leader.durationMs);
  }
  const { step, end } = report.procsPipeline;
  if (step === undefined) return exitInfo(0, null, leader.durationMs);
  const cmd = unit.steps[step];
  const failed =
    end.errno !== undefined && cmd !== undefined
      ? spawnErrorInfo(end.errno, commandLine(cmd)[0], end.message ?? end.errno, leader.durationMs)
      : exitInfo(end.code, end.signal, leader.durationMs);
  return { ...failed, step };
}

// The runner's launch: on a terminal (`tty: true`), through the terminal helper, which makes the
// terminal the runner's controlling terminal and puts it on the fd after the steps' stderr pipes
// (where the control channel came in), for the last step's stdout and stderr.
function runnerRequest(unit: PipelineUnit, steps: readonly [string, string[]][], opts: SpawnOptions): LaunchRequest | ExitInfo {
  const base = { cwd: unit.cwd, env: runnerEnv(outputEnv(unit, unit.env, false)), extraFds: steps.length, clock: opts.clock ?? realClock };
  const ttyFd = 3 + steps.length;
  const runnerOpts: RunnerOptions = unit.tty === true ? { ttyFd } : unit.stdin === true ? { stdin: true } : {};
  const line = { file: process.execPath, args: [RUNNER, JSON.stringify(steps), JSON.stringify(runnerOpts)] };
  if (unit.tty !== true) return { ...line, ...base, ...(unit.stdin === true ? { input: 'stdin' as const } : {}) };
  const helper = ttyHelper();
  if ('missing' in helper) return spawnFailure(helper.missing, 126, 0);
  return { ...onTerminal(helper, line, opts.size ?? DEFAULT_WINDOW, ttyFd, 'fd'), ...base, input: 'fd', relayed: true };
}

// Spawns a pipeline: the runner leads the group, the steps are its children.
export function spawnPipeline(host: Launcher, unit: PipelineUnit, sink: OutputSink, opts: SpawnOptions = {}): SpawnedUnit {
  const badCwd = checkCwd(unit.cwd);
  if (badCwd !== undefined) return notStarted(withoutEnvValues(badCwd, unit.env));
  const steps = unit.steps.map(commandLine);
  const req = runnerRequest(unit, steps, opts);
  if (!('file' in req)) return notStarted(withoutEnvValues(req, unit.env));
  const run = host.launch(req);
  const raw = unit.tty === true || unit.stdin === true ? new RawOutput() : undefined;
  // On a terminal the steps' stderr pipes carry nothing of what the terminal shows.
  const tap = raw === undefined ? {} : { tap: raw.tap };
  const stderrs = steps.map((_, i) => pumpLines(run.stdio[3 + i], sink, { unit: unit.name, stream: 'stderr', step: i }, unit.tty === true ? {} : tap));
  // The terminal's output (colours, "\r" progress, cursor moves) is played on one line each.
  const stdout = unit.tty === true ? { ...tap, splitter: () => new TerminalLines() } : tap;
  const outputDone = Promise.all([pumpLines(run.stdio[1], sink, { unit: unit.name, stream: 'stdout' }, stdout), ...stderrs]).then(() => undefined);
  const runnerText = readRunnerText(run.stdio[2]).then((r) => {
    if (r.other !== '') sink.write({ unit: unit.name, stream: 'stderr', text: `${r.other}\n` });
    return r;
  });
  const exited = Promise.all([run.exited, runnerText]).then(([leader, r]) => withoutEnvValues(pipelineExit(unit, leader, r.report, r.other), unit.env));
  return groupLeader(host.trees, run, exited, outputDone, raw && unitInput(unit.tty === true, run.input, raw, outputDone));
}
