// Checks Kubernetes manifests as the API server would: the offline check of `procs export
// kubernetes --check` (src/export/check/kubernetes.ts), for the tests.
import { kubernetesTextProblems } from '../../src/export/check/kubernetes.js';

/** Every problem of a kubernetes.yaml: schema errors first, then semantic ones. `generated`: Secrets kustomize makes. */
export function kubernetesProblems(text: string, generated?: readonly string[]): string[] {
  return kubernetesTextProblems(text, generated ? new Set(generated) : undefined);
}
