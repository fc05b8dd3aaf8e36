// `procs export kubernetes`: one kubernetes.yaml holding, per service, a ConfigMap of its
// environment and a Deployment (or a Job for a one-shot step that nothing waits on; a one-shot
// step that others wait for with `completed` runs as their init container instead).
import path from 'node:path';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { stringify } from 'yaml';
import type { Spec } from '../config/spec.js';
import { cronJobOf } from './kubernetes-cronjob.js';
import { containerOf, type PodContext } from './kubernetes-pod.js';
import { envFilesOf, listenNote, servicesOf, type Service } from './model.js';
import { ceilSeconds, dnsLabel, labelValue, uniqueNames } from './names.js';
import { kubernetesOnDemandNote } from './profiles.js';
import { DEFAULT_IMAGE, Notes, type ExportOptions, type ExportResult } from './types.js';

type K8sObject = ConfigMap | Deployment | Job | CronJob;

/** The Kubernetes manifests of a spec, as one multi-document YAML file. */
export function exportKubernetes(spec: Spec, options: ExportOptions = {}): ExportResult {
  const notes = new Notes();
  const services = servicesOf(spec, notes);
  const names = uniqueNames(
    services.map((s) => s.name),
    (n) => dnsLabel(n),
  );
  const nameOf = (svc: string): string => names.get(svc) ?? dnsLabel(svc);
  const byName = new Map(services.map((s) => [s.name, s]));
  const secrets = secretNames(spec, options.envFiles ?? {});
  const ctx: PodContext = {
    spec,
    image: options.image ?? DEFAULT_IMAGE,
    notes,
    configMap: (svc) => `${nameOf(svc)}-env`,
    secrets: (svc) => envFilesOf(byName.get(svc), options).map((f) => secrets.get(f) ?? ''),
  };
  const inits = new Set(services.filter((s) => s.oneShot && services.some((d) => d.dependsOn.some((x) => x.name === s.name && x.condition === 'completed'))));
  const objects: K8sObject[] = [];
  for (const svc of services) {
    objects.push(configMapOf(svc, nameOf(svc.name), spec.project, ctx));
    if (inits.has(svc)) continue;
    // Init containers run to completion: probes and lifecycle hooks do not apply to them (and are refused).
    const init = initChain(svc, byName).map((s) => {
      notes.add(`${s.name}: runs as an init container of ${svc.name}, so once each time one of its pods starts`);
      const { readinessProbe: _r, livenessProbe: _l, lifecycle: _h, ...c } = containerOf(s, nameOf(s.name), ctx);
      return c;
    });
    const pod: PodSpec = {
      ...(init.length > 0 ? { initContainers: init } : {}),
      containers: [containerOf(svc, nameOf(svc.name), ctx)],
      terminationGracePeriodSeconds: ceilSeconds(svc.unit.stop.timeoutMs, 0),
    };
    const schedule = svc.unit.schedule;
    if (schedule) objects.push(cronJobOf(svc, schedule, metadata(nameOf(svc.name), nameOf(svc.name), spec.project, annotationsOf(svc)), pod, notes));
    else objects.push(svc.oneShot ? jobOf(svc, nameOf(svc.name), spec.project, pod) : deploymentOf(svc, nameOf(svc.name), spec.project, pod));
    serviceNotes(svc, notes);
    kubernetesOnDemandNote(svc.unit, svc.name, notes);
  }
  const secretLines = [...secrets].map(([file, name]) => {
    const rel = path.relative(spec.root, file);
    notes.add(`env file ${rel} is not copied: create Secret ${name} from it (kubectl create secret generic ${name} --from-env-file=${rel})`);
    return `# Secret ${name}: the variables of ${rel}, not copied here (kubectl create secret generic ${name} --from-env-file=${rel}).\n`;
  });
  if (spec.watch.length > 0) notes.add('watch rules are for development and are not exported');
  const header = `# Written by \`procs export kubernetes\` from ${spec.files.map((f) => path.basename(f)).join(', ')}; apply with kubectl apply -f kubernetes.yaml.\n${secretLines.join('')}`;
  const body = objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  return { files: [{ path: 'kubernetes.yaml', content: header + body }], notes: notes.all(), keys: notes.keys() };
}

/** The one-shot steps a service waits for with `completed`, theirs first, each once. */
function initChain(svc: Service, byName: ReadonlyMap<string, Service>, seen = new Set<string>()): Service[] {
  const out: Service[] = [];
  for (const dep of svc.dependsOn) {
    const target = byName.get(dep.name);
    if (!target || dep.condition !== 'completed' || !target.oneShot || seen.has(target.name)) continue;
    seen.add(target.name);
    out.push(...initChain(target, byName, seen), target);
  }
  return out;
}

/** One Secret name per env file: the project's name and the file's. */
function secretNames(spec: Spec, envFiles: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  const files = [...new Set(Object.values(envFiles).flat())];
  return uniqueNames(files, (f) => dnsLabel(`${spec.project}-${path.basename(f)}`));
}

/** An object's name, and the labels every object of the service carries. */
function metadata(name: string, app: string, project: string, annotations: Record<string, string> = {}): ObjectMeta {
  return {
    name,
    labels: { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': labelValue(project), 'app.kubernetes.io/managed-by': 'procs' },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** The ConfigMap of a service's environment (spec-declared variables and procs' own). */
function configMapOf(svc: Service, name: string, project: string, ctx: PodContext): ConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(ctx.configMap(svc.name), name, project), data: { ...svc.env } };
}

/** What Kubernetes cannot express, kept on the object for the reader. */
function annotationsOf(svc: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (svc.dependsOn.length > 0) out['procs/depends-on'] = svc.dependsOn.map((d) => `${d.name}=${d.condition}`).join(',');
  if (svc.kind === 'pool') out['procs/instances'] = 'replicas have no index: WORKER_ID and PROCS_INSTANCE are not set, and PORT is the same in every replica';
  if (svc.unit.stop.signal !== 'SIGTERM') out['procs/stop-signal'] = svc.unit.stop.signal;
  return out;
}

/** A Deployment: a long-running service, `replicas` pods. */
function deploymentOf(svc: Service, name: string, project: string, pod: PodSpec): Deployment {
  const meta = metadata(name, name, project, annotationsOf(svc));
  const selector = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': labelValue(project) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: {
      replicas: svc.replicas,
      selector: { matchLabels: selector },
      template: { metadata: { labels: meta.labels ?? {} }, spec: { ...pod, restartPolicy: 'Always' } },
    },
  };
}

/** A Job: a one-shot step, run once to completion (a pool's replicas in parallel). */
function jobOf(svc: Service, name: string, project: string, pod: PodSpec): Job {
  const meta = metadata(name, name, project, annotationsOf(svc));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta,
    spec: {
      backoffLimit: 0,
      ...(svc.replicas !== 1 ? { completions: svc.replicas, parallelism: svc.replicas } : {}),
      template: { metadata: { labels: meta.labels ?? {} }, spec: { ...pod, restartPolicy: 'Never' } },
    },
  };
}

/** Notes on what a service loses in Kubernetes. */
function serviceNotes(svc: Service, notes: Notes): void {
  const { unit } = svc;
  if (svc.kind === 'pool')
    notes.add(`${svc.name}: replicas have no index in Kubernetes: WORKER_ID is not set and every replica has PORT=${svc.env.PORT ?? '(unset)'}`);
  if (svc.dependsOn.some((d) => d.condition !== 'completed'))
    notes.add(`${svc.name}: Kubernetes has no start order; depends_on is kept as the annotation procs/depends-on`);
  if (svc.dependsOn.some((d) => d.restart))
    notes.add(`${svc.name}: Kubernetes does not restart a pod when one it depends on restarts; depends_on restart: true is left out`);
  if (unit.stop.signal !== 'SIGTERM') notes.add(`${svc.name}: Kubernetes stops containers with SIGTERM, not ${unit.stop.signal}`);
  if (!svc.oneShot) notes.add('max_restarts and backoff do not map: Kubernetes restarts containers with its own back-off');
  if (unit.restart.successCodes.some((c) => c !== 0)) notes.add(`${svc.name}: only exit code 0 counts as success in Kubernetes`);
  if (unit.kind === 'pipeline') notes.add(`${svc.name}: the pipeline runs in one container through sh -c, with pipefail where the image's shell has it`);
  if (unit.kind !== 'pipeline' && unit.listen) notes.add(listenNote(svc, unit.listen, 'Kubernetes'));
}
