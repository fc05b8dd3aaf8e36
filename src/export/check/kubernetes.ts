// The offline check of a kubernetes export: each object of kubernetes.yaml against its OpenAPI
// schema (kubernetes-models, bundled into this lazily loaded chunk), then the rules the API server
// and procs hold that a schema cannot say (kubernetes-rules.ts), and kustomization.yaml's resources.
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { parse, parseAllDocuments } from 'yaml';
import type { ExportFile } from '../types.js';
import { manifestProblems, type Manifest } from './kubernetes-rules.js';
import type { CheckReport } from './types.js';

const CHECKER = "kubernetes-models and procs' rules";

const MODELS: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
  ConfigMap,
  Secret,
  Service,
  Deployment,
  StatefulSet,
  Job,
  CronJob,
};

interface Kustomization {
  resources?: unknown;
  secretGenerator?: { name?: unknown }[];
  configMapGenerator?: { name?: unknown }[];
}

/** Every problem of the files of a kubernetes export, per file. */
export function checkKubernetes(files: readonly ExportFile[]): CheckReport[] {
  const kust = files.find((f) => f.path === 'kustomization.yaml');
  const generated = kust ? new Set<string>() : undefined;
  const reports: CheckReport[] = [];
  if (kust) {
    const problems: string[] = [];
    let doc: Kustomization = {};
    try {
      doc = (parse(kust.content) ?? {}) as Kustomization;
    } catch (err) {
      problems.push(`not YAML: ${err instanceof Error ? err.message : String(err)}`);
    }
    const resources = Array.isArray(doc.resources) ? doc.resources : [];
    for (const r of resources) if (!files.some((f) => f.path === r)) problems.push(`resource ${String(r)} is not among the exported files`);
    for (const g of [...(doc.secretGenerator ?? []), ...(doc.configMapGenerator ?? [])]) if (typeof g.name === 'string') generated?.add(g.name);
    reports.push({ file: kust.path, checker: "procs' kustomization rules", problems });
  }
  for (const file of files) {
    if (!file.path.endsWith('.yaml') || file === kust) continue;
    reports.push({ file: file.path, checker: CHECKER, problems: kubernetesTextProblems(file.content, generated) });
  }
  return reports;
}

/**
 * Every problem of one manifests file: schema errors first, then the rules. `generated`: the
 * Secrets and ConfigMaps kustomize makes; undefined: the file alone, its Secrets not looked for.
 */
export function kubernetesTextProblems(text: string, generated?: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const docs: Manifest[] = [];
  for (const d of parseAllDocuments(text, { version: '1.1' })) {
    if (d.errors.length > 0) {
      problems.push(`not YAML: ${d.errors[0]?.message ?? ''}`);
      continue;
    }
    const value: unknown = d.toJS();
    if (value !== null && typeof value === 'object') docs.push(value);
  }
  for (const doc of docs) {
    const where = `${doc.kind ?? '?'}/${doc.metadata?.name ?? '?'}`;
    const Model = doc.kind !== undefined ? MODELS[doc.kind] : undefined;
    if (!Model) {
      problems.push(`${where}: unexpected kind ${doc.kind ?? '(none)'}`);
      continue;
    }
    try {
      new Model(doc as never).validate();
    } catch (err) {
      problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return [...problems, ...manifestProblems(docs, generated)];
}
