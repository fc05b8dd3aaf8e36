// Checks Kubernetes manifests as the API server would: each object against its OpenAPI schema
// (through kubernetes-models), then the rules a schema cannot say (names, selectors, probes).
import { Deployment } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import type { Container, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { yamlDocs } from './helpers.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

interface Doc {
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: { selector?: { matchLabels?: Record<string, string> }; template?: PodTemplateSpec };
}

/** Every problem of a kubernetes.yaml: schema errors first, then semantic ones. */
export function kubernetesProblems(text: string): string[] {
  const docs = yamlDocs(text) as Doc[];
  const configMaps = new Set(docs.filter((d) => d.kind === 'ConfigMap').map((d) => d.metadata?.name));
  const problems: string[] = [];
  for (const doc of docs) {
    const where = `${doc.kind ?? '?'}/${doc.metadata?.name ?? '?'}`;
    try {
      schemaCheck(doc);
    } catch (err) {
      problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!DNS_LABEL.test(doc.metadata?.name ?? '')) problems.push(`${where}: name is not a DNS-1123 label`);
    for (const [k, v] of Object.entries(doc.metadata?.labels ?? {})) if (!LABEL_VALUE.test(v)) problems.push(`${where}: label ${k}=${v} is not a valid value`);
    if (doc.kind === 'Deployment' || doc.kind === 'Job') problems.push(...podProblems(doc, where, configMaps));
    // A CronJob's pods are those of the Job it makes.
    const job = (doc as { spec?: { jobTemplate?: Doc } }).spec?.jobTemplate;
    if (doc.kind === 'CronJob' && job) problems.push(...podProblems({ ...job, kind: 'Job' }, where, configMaps));
  }
  return problems;
}

/** Validates one object with the model of its kind. */
function schemaCheck(doc: Doc): void {
  const data = doc as never;
  if (doc.kind === 'Deployment') new Deployment(data).validate();
  else if (doc.kind === 'Job') new Job(data).validate();
  else if (doc.kind === 'CronJob') new CronJob(data).validate();
  else if (doc.kind === 'ConfigMap') new ConfigMap(data).validate();
  else throw new Error(`unexpected kind ${doc.kind}`);
}

/** What the API server refuses in a pod template that the schema lets through. */
function podProblems(doc: Doc, where: string, configMaps: ReadonlySet<string | undefined>): string[] {
  const out: string[] = [];
  const template = doc.spec?.template;
  const labels = template?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(doc.spec?.selector?.matchLabels ?? {}))
    if (labels[k] !== v) out.push(`${where}: selector ${k}=${v} does not match the template`);
  const pod = template?.spec;
  const policy = pod?.restartPolicy;
  if (doc.kind === 'Deployment' && policy !== 'Always') out.push(`${where}: a Deployment needs restartPolicy Always`);
  if (doc.kind === 'Job' && policy !== 'Never' && policy !== 'OnFailure') out.push(`${where}: a Job needs restartPolicy Never or OnFailure`);
  const all: Container[] = [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
  if (new Set(all.map((c) => c.name)).size !== all.length) out.push(`${where}: container names repeat`);
  for (const c of pod?.initContainers ?? []) if (c.readinessProbe || c.livenessProbe) out.push(`${where}: init container ${c.name} has a probe`);
  for (const c of all) {
    if (!DNS_LABEL.test(c.name)) out.push(`${where}: container name ${c.name} is not a DNS-1123 label`);
    if (c.livenessProbe && (c.livenessProbe.successThreshold ?? 1) !== 1) out.push(`${where}: liveness successThreshold must be 1`);
    for (const src of c.envFrom ?? []) {
      if (src.configMapRef && !configMaps.has(src.configMapRef.name)) out.push(`${where}: ConfigMap ${src.configMapRef.name} is not in the file`);
    }
  }
  return out;
}
