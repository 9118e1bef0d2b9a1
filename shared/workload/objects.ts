/**
 * The fields of Kubernetes workload objects this room reads and writes, as plain JSON shapes. Every other
 * field is kept untouched (`[field: string]: unknown`), so a template round-trips as the API server sent it.
 */
import type { KubeObject } from '../kube/types.ts';

/** A label selector (`matchLabels` + `matchExpressions`). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A reference by name to a ConfigMap or Secret (env, envFrom, projected sources). */
export interface NameRef {
  name?: string;
  optional?: boolean;
  [field: string]: unknown;
}

/** A container or init container. */
export interface Container {
  name: string;
  image?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string; [field: string]: unknown }>;
  env?: Array<{ name: string; valueFrom?: { configMapKeyRef?: NameRef; secretKeyRef?: NameRef; [field: string]: unknown }; [field: string]: unknown }>;
  envFrom?: Array<{ configMapRef?: NameRef; secretRef?: NameRef; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** A pod volume. */
export interface Volume {
  name: string;
  configMap?: NameRef;
  secret?: { secretName?: string; optional?: boolean; [field: string]: unknown };
  projected?: { sources?: Array<{ configMap?: NameRef; secret?: NameRef; [field: string]: unknown }>; [field: string]: unknown };
  [field: string]: unknown;
}

/** A pod affinity term (of anti-affinity). */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  [field: string]: unknown;
}

/** `spec.template.spec`. */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  nodeSelector?: Record<string, string>;
  affinity?: {
    podAntiAffinity?: {
      requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
      preferredDuringSchedulingIgnoredDuringExecution?: Array<{ weight?: number; podAffinityTerm: PodAffinityTerm; [field: string]: unknown }>;
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  topologySpreadConstraints?: Array<{ labelSelector?: LabelSelector; [field: string]: unknown }>;
  [field: string]: unknown;
}

/** `spec.template`. */
export interface PodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [field: string]: unknown };
  spec: PodSpec;
}

/** A condition of a Deployment's status. */
export interface WorkloadCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** An `apps/v1` Deployment. */
export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy?: Record<string, unknown>;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    [field: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    conditions?: WorkloadCondition[];
    [field: string]: unknown;
  };
}

/** An `apps/v1` DaemonSet. */
export interface DaemonSet extends KubeObject {
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: { type?: string; [field: string]: unknown };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    [field: string]: unknown;
  };
  status?: {
    observedGeneration?: number;
    desiredNumberScheduled?: number;
    currentNumberScheduled?: number;
    updatedNumberScheduled?: number;
    numberReady?: number;
    numberAvailable?: number;
    [field: string]: unknown;
  };
}

/** A `v1` ConfigMap. */
export interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/** A `v1` Secret. */
export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

/** A `v1` Service. */
export interface Service extends KubeObject {
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; appProtocol?: string; nodePort?: number }>;
    clusterIP?: string;
    clusterIPs?: string[];
    [field: string]: unknown;
  };
}

/** An `autoscaling/v2` HorizontalPodAutoscaler. */
export interface HorizontalPodAutoscaler extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: unknown[];
    behavior?: unknown;
    [field: string]: unknown;
  };
}

/** A `keda.sh/v1alpha1` ScaledObject. */
export interface ScaledObject extends KubeObject {
  spec: {
    scaleTargetRef: { apiVersion?: string; kind?: string; name: string; envSourceContainerName?: string };
    pollingInterval?: number;
    cooldownPeriod?: number;
    idleReplicaCount?: number;
    minReplicaCount?: number;
    maxReplicaCount?: number;
    advanced?: unknown;
    fallback?: unknown;
    triggers: Array<{ type: string; name?: string; metadata?: Record<string, string>; [field: string]: unknown }>;
    [field: string]: unknown;
  };
}
