// What the API server (and procs' export) hold manifests to beyond their schemas: DNS-1123
// names, label values, selectors that match their pod templates, restart policies per kind,
// init containers without probes, a StatefulSet's headless Service, Services that select some
// pods, ConfigMaps and Secrets that exist, and downward API paths the kubelet knows.
import type { Container, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** The pod fields the downward API gives an env var (fieldRef.fieldPath). */
const FIELD_PATHS =
  /^(metadata\.(name|namespace|uid)|metadata\.(labels|annotations)\['([^']+)'\]|spec\.(nodeName|serviceAccountName)|status\.(hostIP|hostIPs|podIP|podIPs))$/;

/** A manifest as read: only the fields the rules look at. */
export interface Manifest {
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
    template?: PodTemplateSpec;
    jobTemplate?: { spec?: { template?: PodTemplateSpec } };
    serviceName?: string;
    clusterIP?: string;
    ports?: unknown[];
  };
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'Job', 'CronJob'];

/** The pod template of a workload (a CronJob's through its Job). */
function templateOf(doc: Manifest): PodTemplateSpec | undefined {
  return doc.kind === 'CronJob' ? doc.spec?.jobTemplate?.spec?.template : doc.spec?.template;
}

/** Every rule problem of a file's manifests; `generated`: Secrets and ConfigMaps kustomize makes. */
export function manifestProblems(docs: readonly Manifest[], generated: ReadonlySet<string> | undefined): string[] {
  const out: string[] = [];
  const named = (kind: string): Set<string | undefined> => new Set(docs.filter((d) => d.kind === kind).map((d) => d.metadata?.name));
  const configMaps = named('ConfigMap');
  const secrets = named('Secret');
  const headless = new Set(docs.filter((d) => d.kind === 'Service' && d.spec?.clusterIP === 'None').map((d) => d.metadata?.name));
  const templates = docs.filter((d) => WORKLOADS.includes(d.kind ?? '')).map((d) => templateOf(d)?.metadata?.labels ?? {});
  const seen = new Set<string>();
  for (const doc of docs) {
    const where = `${doc.kind ?? '?'}/${doc.metadata?.name ?? '?'}`;
    if (seen.has(where)) out.push(`${where}: defined twice`);
    seen.add(where);
    if (!DNS_LABEL.test(doc.metadata?.name ?? '')) out.push(`${where}: name is not a DNS-1123 label`);
    for (const [k, v] of Object.entries(doc.metadata?.labels ?? {})) {
      if (!LABEL_KEY.test(k)) out.push(`${where}: label key ${k} is not valid`);
      if (!LABEL_VALUE.test(v)) out.push(`${where}: label ${k}=${v} is not a valid value`);
    }
    if (doc.kind === 'Service') {
      const selector = (doc.spec?.selector ?? {}) as Record<string, string>;
      const entries = Object.entries(selector);
      if (doc.spec?.clusterIP !== 'None' && (doc.spec?.ports ?? []).length === 0) out.push(`${where}: a Service that is not headless needs ports`);
      if (entries.length === 0) out.push(`${where}: has no selector`);
      else if (!templates.some((labels) => entries.every(([k, v]) => labels[k] === v))) out.push(`${where}: its selector matches no pod template in the file`);
    }
    if (!WORKLOADS.includes(doc.kind ?? '')) continue;
    if (doc.kind === 'StatefulSet') {
      const svc = doc.spec?.serviceName;
      if (!svc) out.push(`${where}: has no serviceName`);
      else if (!headless.has(svc)) out.push(`${where}: serviceName ${svc} names no headless Service (clusterIP: None) in the file`);
    }
    const template = templateOf(doc);
    if (doc.kind === 'Deployment' || doc.kind === 'StatefulSet') {
      const labels = template?.metadata?.labels ?? {};
      const match = (doc.spec?.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {};
      if (Object.keys(match).length === 0) out.push(`${where}: the selector has no matchLabels`);
      for (const [k, v] of Object.entries(match)) if (labels[k] !== v) out.push(`${where}: selector ${k}=${v} does not match the template`);
    }
    out.push(...podProblems(doc.kind ?? '', template?.spec, where, { configMaps, secrets, generated }));
  }
  return out;
}

interface Known {
  readonly configMaps: ReadonlySet<string | undefined>;
  readonly secrets: ReadonlySet<string | undefined>;
  /** undefined: Secrets are made elsewhere and not looked for. */
  readonly generated: ReadonlySet<string> | undefined;
}

/** What the API server refuses in a pod template that the schema lets through. */
function podProblems(kind: string, pod: PodSpec | undefined, where: string, known: Known): string[] {
  const out: string[] = [];
  const policy = pod?.restartPolicy;
  if ((kind === 'Deployment' || kind === 'StatefulSet') && policy !== 'Always') out.push(`${where}: a ${kind} needs restartPolicy Always`);
  if ((kind === 'Job' || kind === 'CronJob') && policy !== 'Never' && policy !== 'OnFailure')
    out.push(`${where}: a ${kind} needs restartPolicy Never or OnFailure`);
  const all: Container[] = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
  if (new Set(all.map((c) => c.name)).size !== all.length) out.push(`${where}: container names repeat`);
  for (const c of pod?.initContainers ?? [])
    if (c.readinessProbe || c.livenessProbe || c.startupProbe || c.lifecycle) out.push(`${where}: init container ${c.name} has a probe or lifecycle`);
  const exists = (set: ReadonlySet<string | undefined>, name: string): boolean => set.has(name) || (known.generated?.has(name) ?? false);
  for (const c of all) {
    if (!DNS_LABEL.test(c.name)) out.push(`${where}: container name ${c.name} is not a DNS-1123 label`);
    if (c.livenessProbe && (c.livenessProbe.successThreshold ?? 1) !== 1) out.push(`${where}: liveness successThreshold must be 1`);
    for (const src of c.envFrom ?? []) {
      const cm = src.configMapRef?.name;
      const secret = src.secretRef?.name;
      if (cm !== undefined && !src.configMapRef?.optional && !exists(known.configMaps, cm))
        out.push(`${where}: ConfigMap ${cm} is not in the file or generated`);
      if (secret !== undefined && known.generated && !src.secretRef?.optional && !exists(known.secrets, secret))
        out.push(`${where}: Secret ${secret} is not in the file or generated`);
    }
    for (const e of c.env ?? []) {
      const path = e.valueFrom?.fieldRef?.fieldPath;
      if (path === undefined) continue;
      const m = FIELD_PATHS.exec(path);
      if (!m || (m[4] !== undefined && !LABEL_KEY.test(m[4]))) out.push(`${where}: env ${e.name} fieldRef ${path} is not a path the downward API gives`);
    }
  }
  return out;
}
