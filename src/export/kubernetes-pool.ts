// A pool in Kubernetes: one pod per instance, each knowing its index. A long-running pool is a
// StatefulSet, whose pods carry the label apps.kubernetes.io/pod-index (Kubernetes 1.28 and
// later); a one-shot pool is an Indexed Job, whose pods carry the annotation
// batch.kubernetes.io/job-completion-index. WORKER_ID and PROCS_INSTANCE come from them through the
// downward API, and a pool with `port:` computes PORT = port + index in a short shell prefix before
// the command runs.
import type { EnvVar, Probe } from 'kubernetes-types/core/v1.js';
import type { ProbeSpec } from '../config/spec.js';
import type { Service } from './model.js';
import { shQuote, unitArgv } from './shell.js';
import type { Notes } from './types.js';

/** The label a StatefulSet gives each pod: its ordinal (Kubernetes 1.28 and later). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** The annotation an Indexed Job gives each pod: its completion index. */
export const JOB_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';

/** Whether a pool runs as Jobs (one-shot or scheduled), indexed by completion index. */
export function runsAsJob(svc: Service): boolean {
  return svc.oneShot || svc.unit.schedule !== undefined;
}

/** WORKER_ID and PROCS_INSTANCE of a pool's pod, from its index through the downward API. */
export function indexEnv(svc: Service): EnvVar[] {
  const fieldPath = runsAsJob(svc) ? `metadata.annotations['${JOB_INDEX_ANNOTATION}']` : `metadata.labels['${POD_INDEX_LABEL}']`;
  return ['WORKER_ID', 'PROCS_INSTANCE'].map((name) => ({ name, valueFrom: { fieldRef: { fieldPath } } }));
}

/** The shell words that set PORT from the pool's base port and the pod's index. */
function portPrefix(base: number | undefined): string {
  return base === undefined ? '' : `export PORT=$((${base} + WORKER_ID)); `;
}

/** The shell expression of PORT = base + index, for probes run inside the container. */
export function instancePortExpr(base: number): string {
  return `$((${base} + WORKER_ID))`;
}

/** A word with `${PORT}` or `${WORKER_ID}` standing for what differs between instances. */
function templateOf(words: readonly string[], base: number | undefined): string | undefined {
  const first = words[0] ?? '';
  if (words.every((w) => w === first)) return undefined;
  const expand = (t: string, i: number): string => t.replaceAll('${WORKER_ID}', String(i)).replaceAll('${PORT}', String((base ?? 0) + i));
  const byPort = base === undefined ? first : first.replaceAll(String(base), '${PORT}');
  const candidates = [byPort, byPort.replace(/(?<![0-9])0(?![0-9])/g, '${WORKER_ID}'), first.replace(/(?<![0-9])0(?![0-9])/g, '${WORKER_ID}')];
  return candidates.find((t) => words.every((w, i) => expand(t, i) === w));
}

/** A templated word as shell text: literal parts quoted, `${PORT}` and `${WORKER_ID}` expanded. */
function shellWord(template: string): string {
  return template
    .split(/(\$\{(?:PORT|WORKER_ID)\})/)
    .filter((part) => part !== '')
    .map((part) => (/^\$\{(PORT|WORKER_ID)\}$/.test(part) ? `"${part}"` : shQuote(part)))
    .join('');
}

/**
 * The argv of a pool's container: the command as written when nothing differs between instances
 * and there is no port; else through /bin/sh, PORT set first and what differs between instances
 * (the spec's `${PORT}`, `${WORKER_ID}`) read from the environment at run time.
 */
export function poolArgv(svc: Service, notes: Notes): string[] {
  const argvs = svc.instances.map(unitArgv);
  const first = argvs[0] ?? [];
  const base = svc.basePort;
  const exec = svc.unit.kind !== 'pipeline' && svc.unit.command.kind === 'exec';
  if (argvs.some((a) => a.length !== first.length)) {
    notes.add(`${svc.name}: the pool's instances run commands of different lengths; every pod runs instance 0's`);
    return base === undefined ? first : ['/bin/sh', '-c', `${portPrefix(base)}exec "$0" "$@"`, ...first];
  }
  const templates = first.map((_, j) =>
    templateOf(
      argvs.map((a) => a[j] ?? ''),
      base,
    ),
  );
  const differs = first.some((w, j) => argvs.some((a) => a[j] !== w));
  if (differs && templates.some((t, j) => t === undefined && argvs.some((a) => a[j] !== first[j])))
    notes.add(`${svc.name}: the pool's instances differ in their command beyond PORT and WORKER_ID; every pod runs instance 0's`);
  if (!exec) {
    // [shell, -c, script]: the script reads ${PORT} and ${WORKER_ID} from its environment.
    const [shell = '/bin/sh', flag = '-c', script = ''] = first;
    const text = templates[2] ?? script;
    return differs || base !== undefined ? [shell, flag, `${portPrefix(base)}${text}`] : first;
  }
  if (!differs) return base === undefined ? first : ['/bin/sh', '-c', `${portPrefix(base)}exec "$0" "$@"`, ...first];
  const words = first.map((w, j) => {
    const t = templates[j];
    return t === undefined ? shQuote(w) : shellWord(t);
  });
  return ['/bin/sh', '-c', `${portPrefix(base)}exec ${words.join(' ')}`];
}

/**
 * A pool probe that checks the instance's own port (PORT = base + index): the pod template is one
 * for every pod, so httpGet and tcpSocket cannot name it; an exec probe computes it in the pod
 * (busybox wget and nc, as in node:*-alpine).
 */
export function instanceProbe(probe: ProbeSpec, base: number): Probe['exec'] | undefined {
  const check = probe.check;
  const port = instancePortExpr(base);
  const seconds = Math.max(1, Math.ceil(probe.timeoutMs / 1000));
  if (check.kind === 'tcp' && check.port === base) return { command: ['/bin/sh', '-c', `nc -z -w ${seconds} 127.0.0.1 ${port}`] };
  if (check.kind !== 'http' || !URL.canParse(check.url)) return undefined;
  const url = new URL(check.url);
  if (Number(url.port) !== base || url.protocol !== 'http:') return undefined;
  return { command: ['/bin/sh', '-c', `wget -q -O /dev/null -T ${seconds} ${shQuote(`http://127.0.0.1:`)}${port}${shQuote(`${url.pathname}${url.search}`)}`] };
}
