/** Objects the workload and router tests build on: a podinfo Canary, its Deployment, configs and HPA. */
import type { Canary, CanarySpec } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/types.ts';
import type { Deployment, PodSpec } from '../../shared/workload/objects.ts';

/** A Canary for `name` in namespace `test`, with a uid as the API server would give it. */
export function canaryFor(name: string, spec: Partial<CanarySpec> = {}, kind: 'Deployment' | 'DaemonSet' | 'Service' = 'Deployment'): Canary {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace: 'test', uid: `uid-${name}` },
    spec: {
      targetRef: { apiVersion: kind === 'Service' ? 'v1' : 'apps/v1', kind, name },
      service: { port: 9898 },
      analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
      ...spec,
    },
  };
}

/** A pod spec using every kind of config reference. */
export function podSpecWithConfigs(image = 'ghcr.io/stefanprodan/podinfo:6.0.0'): PodSpec {
  return {
    containers: [
      {
        name: 'podinfod',
        image,
        ports: [
          { name: 'http', containerPort: 9898 },
          { name: 'grpc', containerPort: 9999 },
        ],
        env: [
          { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'env-cm', key: 'a' } } },
          { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'b' } } },
          { name: 'PLAIN', value: 'x' },
        ],
        envFrom: [{ configMapRef: { name: 'envfrom-cm' } }, { secretRef: { name: 'envfrom-secret' } }],
      },
    ],
    initContainers: [{ name: 'init', image: 'busybox', envFrom: [{ configMapRef: { name: 'init-cm' } }] }],
    volumes: [
      { name: 'v1', configMap: { name: 'vol-cm' } },
      { name: 'v2', secret: { secretName: 'vol-secret' } },
      { name: 'v3', projected: { sources: [{ configMap: { name: 'proj-cm' } }, { secret: { name: 'proj-secret' } }] } },
    ],
  };
}

/** A Deployment `name` selecting `app: name`, `replicas` pods of `image`. */
export function deploymentFor(name: string, options: { image?: string; replicas?: number; spec?: Partial<PodSpec>; labels?: Record<string, string> } = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'test', labels: { app: name, ...options.labels }, annotations: { 'team.example.com/owner': 'web' } },
    spec: {
      replicas: options.replicas ?? 2,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate' },
      minReadySeconds: 3,
      template: {
        metadata: { labels: { app: name, version: 'v1' }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: { containers: [{ name: 'podinfod', image: options.image ?? 'ghcr.io/stefanprodan/podinfo:6.0.0', ports: [{ name: 'http', containerPort: 9898 }] }], ...options.spec },
      },
    },
  };
}

/** A ConfigMap in `test`. */
export function configMapFor(name: string, data: Record<string, string>, annotations: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'test', labels: { app: 'cfg' }, annotations }, data };
}

/** A Secret in `test`. */
export function secretFor(name: string, data: Record<string, string>, type = 'Opaque'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'test' }, type, data };
}

/** An autoscaling/v2 HPA for `target`. */
export function hpaFor(name: string, target: string, min = 2, max = 4): KubeObject {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace: 'test', labels: { app: target } },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: min,
      maxReplicas: max,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    },
  };
}

/** References to objects of the test namespace, as the kube port takes them. */
export const refs = {
  deployment: (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name }),
  configMap: (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name }),
};
