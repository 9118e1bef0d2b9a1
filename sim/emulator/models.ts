/**
 * Schema checks of built-in kinds against the Kubernetes OpenAPI definitions, through the validators that
 * the `kubernetes-models` package generates from them.
 */
import { Event as CoreEvent } from 'kubernetes-models/v1/Event';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Pod } from 'kubernetes-models/v1/Pod';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { DaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ReplicaSet } from 'kubernetes-models/apps/v1/ReplicaSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Event as EventsEvent } from 'kubernetes-models/events.k8s.io/v1/Event';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import type { StatusCause } from './errors.ts';
import type { KubeObject } from './types.ts';

interface Validatable {
  validate(): void;
}

const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Event': CoreEvent,
  'v1/Namespace': Namespace,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/DaemonSet': DaemonSet,
  'apps/v1/Deployment': Deployment,
  'apps/v1/ReplicaSet': ReplicaSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'events.k8s.io/v1/Event': EventsEvent,
  'networking.k8s.io/v1/Ingress': Ingress,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[0].image`. */
export function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((out, s) => (/^\d+$/.test(s) ? `${out}[${s}]` : out ? `${out}.${s}` : s), '');
}

/** What the OpenAPI schema says about an object: type errors (a real server fails decoding them: 400) and missing required fields (422). */
export interface SchemaFindings {
  readonly decodeErrors: string[];
  readonly causes: StatusCause[];
}

/** Checks `object` against the OpenAPI schema of its kind; kinds without a model pass. */
export function checkSchema(apiVersion: string, kind: string, object: KubeObject): SchemaFindings {
  const Model = MODELS[`${apiVersion}/${kind}`];
  const findings: SchemaFindings = { decodeErrors: [], causes: [] };
  if (!Model) return findings;
  try {
    new Model(object as never).validate();
  } catch (error) {
    const errors = (error as { errors?: AjvError[] }).errors ?? [];
    for (const e of errors) {
      const field = fieldPath(e.instancePath);
      if (e.keyword === 'required') {
        const missing = String(e.params['missingProperty'] ?? '');
        findings.causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: field ? `${field}.${missing}` : missing });
      } else if (e.keyword === 'enum') {
        const allowed = (e.params['allowedValues'] as unknown[] | undefined) ?? [];
        findings.causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(valueAt(object, e.instancePath))}: supported values: ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, field });
      } else if (e.keyword === 'type' || e.keyword === 'format') {
        findings.decodeErrors.push(`${field}: ${e.message ?? e.keyword} (got ${JSON.stringify(valueAt(object, e.instancePath))})`);
      }
    }
  }
  return findings;
}

function valueAt(object: unknown, pointer: string): unknown {
  let node = object;
  for (const s of pointer.split('/').slice(1)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[s.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  return node;
}
