// kustomization.yaml beside kubernetes.yaml: the manifests as its resource, the namespace when
// given, and a secretGenerator per env file (the file is referenced, its values never copied).
// `kubectl apply -k DIR` builds the Secrets and applies everything; kustomize names each Secret
// with a hash of its content and rewrites the references, so a changed env file rolls the pods.
import path from 'node:path';
import { stringify } from 'yaml';
import type { Spec } from '../config/spec.js';
import type { ExportOptions } from './types.js';

export const KUSTOMIZATION = 'kustomization.yaml';

/** The text of kustomization.yaml, and whether a generator reads a file outside the output folder. */
export function kustomization(spec: Spec, secrets: ReadonlyMap<string, string>, options: ExportOptions): { text: string; outside: boolean } {
  const base = options.outputDir ?? spec.root;
  const envs = [...secrets].map(([file, name]) => ({ name, envs: [path.relative(base, file).split(path.sep).join('/')] }));
  const outside = envs.some((g) => g.envs.some((f) => f.startsWith('../') || path.isAbsolute(f)));
  const doc = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    resources: ['kubernetes.yaml'],
    ...(envs.length > 0 ? { secretGenerator: envs } : {}),
  };
  const header = [
    '# Written by `procs export kubernetes`: apply with kubectl apply -k on this folder.',
    ...(envs.length > 0 ? ['# The Secrets are generated from the env files named below, read when kustomize builds; their values are not copied here.'] : []),
    ...(outside
      ? ['# An env file lies outside this folder: kustomize reads it with --load-restrictor LoadRestrictionsNone (kubectl kustomize, or kustomize build).']
      : []),
  ];
  return { text: `${header.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`, outside };
}
