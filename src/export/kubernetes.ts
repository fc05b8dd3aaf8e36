// `procs export kubernetes`: kubernetes.yaml holding, per service, a ConfigMap of its environment,
// its workload and its Service; and kustomization.yaml beside it (kubernetes-kustomize.ts).
// A process is a Deployment, a one-shot step a Job (or, when others wait for it with `completed`,
// their init container), a scheduled unit a CronJob, a pool a StatefulSet with a headless Service
// whose pods get WORKER_ID from the label apps.kubernetes.io/pod-index (Kubernetes 1.28 and later;
// a one-shot pool is an Indexed Job). A unit with a port gets a Service; `depends_on: healthy` and
// `started` are init containers waiting for it (kubernetes-depends.ts).
import path from 'node:path';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, PodSpec, Service as K8sService } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { stringify } from 'yaml';
import type { Dependency, Spec } from '../config/spec.js';
import { keysOf } from './keys.js';
import { cronJobOf } from './kubernetes-cronjob.js';
import { hasService, initContainersOf, type DependsContext } from './kubernetes-depends.js';
import { recordKeys, type Role } from './kubernetes-keys.js';
import { KUSTOMIZATION, kustomization } from './kubernetes-kustomize.js';
import { containerOf, type PodContext } from './kubernetes-pod.js';
import { runsAsJob } from './kubernetes-pool.js';
import { serviceObject, servicePorts } from './kubernetes-service.js';
import { envFilesOf, listenNote, servicesOf, type Service } from './model.js';
import { ceilSeconds, dnsLabel, labelValue, uniqueNames } from './names.js';
import { kubernetesOnDemandNote } from './profiles.js';
import { DEFAULT_IMAGE, Notes, type ExportOptions, type ExportResult } from './types.js';

type K8sObject = ConfigMap | Deployment | StatefulSet | Job | CronJob | K8sService;

/** The Kubernetes manifests of a spec, as one multi-document YAML file, and its kustomization. */
export function exportKubernetes(spec: Spec, options: ExportOptions = {}): ExportResult {
  const notes = new Notes();
  const services = servicesOf(spec, notes, false);
  const names = uniqueNames(
    services.map((s) => s.name),
    (n) => dnsLabel(n),
  );
  const nameOf = (svc: string): string => names.get(svc) ?? dnsLabel(svc);
  const byName = new Map(services.map((s) => [s.name, s]));
  const secrets = secretNames(spec, options.envFiles ?? {});
  const image = options.image ?? DEFAULT_IMAGE;
  const secretsOf = (svc: string): string[] => envFilesOf(byName.get(svc), options).map((f) => secrets.get(f) ?? '');
  const ctx: PodContext = { spec, image, notes, configMap: (svc) => `${nameOf(svc)}-env`, secrets: secretsOf };
  const meta = (svc: string, annotations: Record<string, string> = {}): ObjectMeta => metadata(nameOf(svc), spec.project, options.namespace, annotations);
  const inits = new Set(services.filter((s) => s.oneShot && services.some((d) => d.dependsOn.some((x) => x.name === s.name && x.condition === 'completed'))));
  const deps: DependsContext = {
    byName,
    nameOf,
    image,
    notes,
    inits,
    // Init containers run to completion: probes and lifecycle hooks do not apply to them (and are refused).
    stepContainer: (s) => {
      const { readinessProbe: _r, livenessProbe: _l, lifecycle: _h, ...c } = containerOf(s, nameOf(s.name), ctx);
      return c;
    },
  };
  const objects: K8sObject[] = [];
  const keyCtx = (svc: Service, role: Role, service?: { name: string; ports: number[]; headless: boolean }) => ({
    spec,
    notes,
    role,
    configMap: ctx.configMap(svc.name),
    secrets: secretsOf(svc.name),
    uses: new Set(keysOf(svc, spec, options)),
    ...(service ? { service } : {}),
  });
  for (const svc of services) {
    const name = nameOf(svc.name);
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta(svc.name), name: ctx.configMap(svc.name) }, data: { ...envOf(svc) } });
    const initOf = services.find((d) => inits.has(svc) && d.dependsOn.some((x) => x.name === svc.name && x.condition === 'completed'));
    if (initOf) {
      recordKeys(svc, keyCtx(svc, { initOf: initOf.name }));
      for (const dep of svc.dependsOn) notes.key(svc.name, `depends_on.${dep.name}`, 'approximated', `an earlier init container of ${initOf.name}`);
      continue;
    }
    const { init, unmapped } = initContainersOf(svc, deps);
    const pod: PodSpec = {
      ...(init.length > 0 ? { initContainers: init } : {}),
      containers: [containerOf(svc, name, ctx)],
      terminationGracePeriodSeconds: ceilSeconds(svc.unit.stop.timeoutMs, 0),
    };
    const m = meta(svc.name, annotationsOf(svc, unmapped));
    const selector = selectorOf(name, spec.project);
    const ports = servicePorts(svc);
    const role: Role = svc.unit.schedule ? 'CronJob' : svc.kind === 'pool' && !runsAsJob(svc) ? 'StatefulSet' : svc.oneShot ? 'Job' : 'Deployment';
    const schedule = svc.unit.schedule;
    if (schedule) objects.push(cronJobOf(svc, schedule, m, pod, notes));
    else if (role === 'StatefulSet') objects.push(statefulSetOf(svc, m, selector, pod), serviceObject(meta(svc.name), selector, ports, true));
    else if (role === 'Job') objects.push(jobOf(svc, m, pod));
    else objects.push(deploymentOf(svc, m, selector, pod));
    const exposed = hasService(svc, inits) && role === 'Deployment';
    if (exposed) objects.push(serviceObject(meta(svc.name), selector, ports, false));
    if (svc.unit.kind !== 'pipeline' && svc.unit.port === 'auto')
      notes.add(`${svc.name}: port: auto has no fixed port in Kubernetes; set a number to get a Service`);
    recordKeys(svc, keyCtx(svc, role, exposed || role === 'StatefulSet' ? { name, ports, headless: role === 'StatefulSet' } : undefined));
    serviceNotes(svc, notes);
    kubernetesOnDemandNote(svc.unit, svc.name, notes);
  }
  for (const [file, secret] of secrets)
    notes.add(`env file ${path.relative(spec.root, file)} is not copied: kustomization.yaml generates Secret ${secret} from it`);
  for (const rule of spec.watch) notes.key(`watch.${rule.name}`, 'watch', 'dropped', 'watch rules are for development');
  if (spec.watch.length > 0) notes.add('watch rules are for development and are not exported');
  const kust = kustomization(spec, secrets, options);
  const header = `# Written by \`procs export kubernetes\` from ${spec.files.map((f) => path.basename(f)).join(', ')}; apply with kubectl apply -k (kustomization.yaml beside it).\n# Pools are StatefulSets whose pods read their index from the label apps.kubernetes.io/pod-index: Kubernetes 1.28 or later.\n`;
  const body = objects.map((o) => stringify(o, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  if (services.some((s) => s.kind === 'pool' && !runsAsJob(s)))
    notes.add('pools are StatefulSets whose pods take WORKER_ID from the label apps.kubernetes.io/pod-index, set by Kubernetes 1.28 and later');
  return {
    files: [
      { path: 'kubernetes.yaml', content: header + body },
      { path: KUSTOMIZATION, content: kust.text },
    ],
    notes: notes.all(),
    keys: notes.keys(),
  };
}

/** A service's ConfigMap data: a pool with `port:` computes PORT per pod, so it is not here. */
function envOf(svc: Service): Record<string, string> {
  if (svc.basePort === undefined) return { ...svc.env };
  const { PORT: _port, ...rest } = svc.env;
  return rest;
}

/** One Secret name per env file: the project's name and the file's. */
function secretNames(spec: Spec, envFiles: Readonly<Record<string, readonly string[]>>): Map<string, string> {
  const files = [...new Set(Object.values(envFiles).flat())];
  return uniqueNames(files, (f) => dnsLabel(`${spec.project}-${path.basename(f)}`));
}

/** The labels that select a unit's pods: stable across exports of the same spec. */
function selectorOf(name: string, project: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': labelValue(project) };
}

/** An object's name, namespace, and the labels every object of the unit carries. */
function metadata(name: string, project: string, namespace: string | undefined, annotations: Record<string, string> = {}): ObjectMeta {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: {
      ...selectorOf(name, project),
      'app.kubernetes.io/component': name,
      'app.kubernetes.io/part-of': labelValue(project),
      'app.kubernetes.io/managed-by': 'procs',
    },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/** What Kubernetes cannot express, kept on the object for the reader. */
function annotationsOf(svc: Service, unmapped: readonly Dependency[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (unmapped.length > 0) out['procs/depends-on'] = unmapped.map((d) => `${d.name}=${d.condition}`).join(',');
  if (svc.unit.stop.signal !== 'SIGTERM') out['procs/stop-signal'] = svc.unit.stop.signal;
  return out;
}

/** The pod template: the workload's labels (the selector's among them). */
function template(meta: ObjectMeta, pod: PodSpec, restartPolicy: 'Always' | 'Never') {
  return { metadata: { labels: meta.labels ?? {} }, spec: { ...pod, restartPolicy } };
}

/** A Deployment: a long-running service, `replicas` pods. */
function deploymentOf(svc: Service, meta: ObjectMeta, selector: Record<string, string>, pod: PodSpec): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta,
    spec: { replicas: svc.replicas, selector: { matchLabels: selector }, template: template(meta, pod, 'Always') },
  };
}

/** A StatefulSet: a pool, one pod per instance, started together, named NAME-0… behind its headless Service. */
function statefulSetOf(svc: Service, meta: ObjectMeta, selector: Record<string, string>, pod: PodSpec): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta,
    spec: {
      serviceName: meta.name ?? '',
      replicas: svc.replicas,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: selector },
      template: template(meta, pod, 'Always'),
    },
  };
}

/** A Job: a one-shot step, run once to completion (a pool's instances as an Indexed Job). */
function jobOf(svc: Service, meta: ObjectMeta, pod: PodSpec): Job {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta,
    spec: {
      backoffLimit: 0,
      ...(svc.kind === 'pool' ? { completionMode: 'Indexed', completions: svc.replicas, parallelism: svc.replicas } : {}),
      template: template(meta, pod, 'Never'),
    },
  };
}

/** Notes on what a service loses in Kubernetes. */
function serviceNotes(svc: Service, notes: Notes): void {
  const { unit } = svc;
  if (unit.stop.signal !== 'SIGTERM') notes.add(`${svc.name}: Kubernetes stops containers with SIGTERM, not ${unit.stop.signal}`);
  if (!svc.oneShot) notes.add('max_restarts and backoff do not map: Kubernetes restarts containers with its own back-off');
  if (unit.restart.successCodes.some((c) => c !== 0)) notes.add(`${svc.name}: only exit code 0 counts as success in Kubernetes`);
  if (unit.kind === 'pipeline') notes.add(`${svc.name}: the pipeline runs in one container through sh -c, with pipefail where the image's shell has it`);
  if (unit.kind !== 'pipeline' && unit.listen) notes.add(listenNote(svc, unit.listen, 'Kubernetes'));
}
