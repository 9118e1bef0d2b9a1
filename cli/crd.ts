/**
 * The cluster-side manifests Fledge ships, generated from its own schema: the CustomResourceDefinitions of
 * `canaries`, `metrictemplates` and `alertproviders` (group `flagger.app`, version `v1beta1`, so existing
 * Flagger objects keep working), and the RBAC the Fledge controller needs in each cluster.
 * `npx fledge crds` prints them; `infra/cluster/` holds the committed output.
 */
import { Document, isScalar, isSeq, visit } from 'yaml';
import { CLUSTER_ROLE_RULES } from '../shared/api/rbac-rules.ts';
import type { Schema } from '../shared/api/schema-common.ts';
import { SCHEMAS } from '../shared/api/schema.ts';
import { API_GROUP } from '../shared/api/parse.ts';
import type { FlaggerKind } from '../shared/api/types.ts';

/** Labels on every generated object. */
const LABELS = { 'app.kubernetes.io/name': 'fledge', 'app.kubernetes.io/component': 'api' } as const;

interface PrinterColumn {
  name: string;
  type: 'string' | 'boolean' | 'integer' | 'number' | 'date';
  jsonPath: string;
  priority?: number;
}

interface KindInfo {
  plural: string;
  singular: string;
  columns: PrinterColumn[];
}

// The same names and printer columns as Flagger's CRDs, so `kubectl get canaries` looks as users know it.
const KINDS: Record<FlaggerKind, KindInfo> = {
  Canary: {
    plural: 'canaries',
    singular: 'canary',
    columns: [
      { name: 'Status', type: 'string', jsonPath: '.status.phase' },
      { name: 'Weight', type: 'string', jsonPath: '.status.canaryWeight' },
      { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend', priority: 1 },
      { name: 'FailedChecks', type: 'string', jsonPath: '.status.failedChecks', priority: 1 },
      { name: 'Interval', type: 'string', jsonPath: '.spec.analysis.interval', priority: 1 },
      { name: 'Mirror', type: 'boolean', jsonPath: '.spec.analysis.mirror', priority: 1 },
      { name: 'StepWeight', type: 'string', jsonPath: '.spec.analysis.stepWeight', priority: 1 },
      { name: 'StepWeights', type: 'string', jsonPath: '.spec.analysis.stepWeights', priority: 1 },
      { name: 'MaxWeight', type: 'string', jsonPath: '.spec.analysis.maxWeight', priority: 1 },
      { name: 'LastTransitionTime', type: 'string', jsonPath: '.status.lastTransitionTime' },
    ],
  },
  MetricTemplate: {
    plural: 'metrictemplates',
    singular: 'metrictemplate',
    columns: [{ name: 'Provider', type: 'string', jsonPath: '.spec.provider.type' }],
  },
  AlertProvider: {
    plural: 'alertproviders',
    singular: 'alertprovider',
    columns: [{ name: 'Type', type: 'string', jsonPath: '.spec.type' }],
  },
};

/** Options of the RBAC manifests. */
export interface RbacOptions {
  /**
   * The Kubernetes group the Fledge Lambda role is mapped to (an EKS access entry's `kubernetesGroups`).
   * @default 'fledge:controller'
   */
  readonly group?: string;
  /** Name of the ClusterRole and its binding. @default 'fledge-controller' */
  readonly name?: string;
}

/** Default Kubernetes group of the Fledge controller's IAM role. */
export const CONTROLLER_GROUP = 'fledge:controller';

/** The CustomResourceDefinition of one kind, from our schema. */
export function customResourceDefinition(kind: FlaggerKind): Record<string, unknown> {
  const info = KINDS[kind];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${info.plural}.${API_GROUP}`, labels: { ...LABELS } },
    spec: {
      group: API_GROUP,
      names: { kind, listKind: `${kind}List`, plural: info.plural, singular: info.singular, categories: ['all'] },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: info.columns,
          schema: { openAPIV3Schema: structuredClone(SCHEMAS[kind]) as Schema },
        },
      ],
    },
  };
}

/** The three CustomResourceDefinitions. */
export function customResourceDefinitions(): Record<string, unknown>[] {
  return (Object.keys(KINDS) as FlaggerKind[]).map(customResourceDefinition);
}

/** The ClusterRole with the verbs Fledge uses, and its binding to the controller's group. */
export function rbacManifests(options: RbacOptions = {}): Record<string, unknown>[] {
  const name = options.name ?? 'fledge-controller';
  const group = options.group ?? CONTROLLER_GROUP;
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels: { ...LABELS, 'app.kubernetes.io/component': 'controller' } },
      rules: CLUSTER_ROLE_RULES.map((rule) => ({ apiGroups: [...rule.apiGroups], resources: [...rule.resources], verbs: [...rule.verbs] })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels: { ...LABELS, 'app.kubernetes.io/component': 'controller' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
    },
  ];
}

/** Renders objects as one multi-document YAML file under a comment header. */
export function toYaml(objects: readonly unknown[], header: string): string {
  const comment = header
    .split('\n')
    .map((line) => `# ${line}`.trimEnd())
    .join('\n');
  const docs = objects.map((object) => {
    const doc = new Document(object, { aliasDuplicateObjects: false });
    // Short lists of plain values (verbs, required keys, enums) read better on one line.
    visit(doc, {
      Seq(_key, node) {
        if (isSeq(node) && node.items.every((item) => isScalar(item))) node.flow = true;
      },
    });
    return doc.toString({ lineWidth: 0 });
  });
  return `${comment}\n---\n${docs.join('---\n')}`;
}

/**
 * The CRDs as YAML, as committed in `infra/cluster/crds.yaml`.
 * @example process.stdout.write(crdsYaml()) // kubectl apply -f -
 */
export function crdsYaml(): string {
  return toYaml(
    customResourceDefinitions(),
    "Fledge's CustomResourceDefinitions for flagger.app/v1beta1 Canary, MetricTemplate and AlertProvider.\nGenerated from shared/api/schema.ts by `npx fledge crds --crds`; do not edit by hand.",
  );
}

/** The RBAC manifests as YAML, as committed in `infra/cluster/rbac.yaml`. */
export function rbacYaml(options: RbacOptions = {}): string {
  return toYaml(
    rbacManifests(options),
    `What the Fledge controller may do in a cluster. Its IAM role is mapped to the Kubernetes group\n"${options.group ?? CONTROLLER_GROUP}" (EKS access entry, kubernetesGroups). Generated by \`npx fledge crds --rbac\`; do not edit by hand.`,
  );
}
