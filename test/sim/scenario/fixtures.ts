/** Scenario FILE snippets shared by the scenario tests. */

/** A podinfo Deployment in namespace `test`, in the shape of Flagger's tutorials. */
export const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: test, labels: {app: podinfo}}
spec:
  replicas: 2
  selector: {matchLabels: {app: podinfo}}
  template:
    metadata: {labels: {app: podinfo}}
    spec:
      containers:
        - name: podinfod
          image: ghcr.io/stefanprodan/podinfo:6.0.0
          ports: [{name: http, containerPort: 9898}]
`;

/** A Canary for {@link DEPLOYMENT}; `analysis` lines can be appended through `extra`. */
export function canary(extra = ''): string {
  return `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: kubernetes
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 1m
    threshold: 5
    iterations: 3
${extra}`;
}

/** A Scenario document whose `spec` is `spec` (YAML, indented by two). */
export function scenario(spec: string): string {
  return `
apiVersion: fledge.dev/v1alpha1
kind: Scenario
metadata: {name: test-scenario}
spec:
${spec}`;
}

/** Joins documents into one FILE. */
export function file(...documents: string[]): string {
  return documents.join('\n---\n');
}
