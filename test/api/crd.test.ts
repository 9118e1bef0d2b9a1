import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { crdsYaml, rbacManifests, rbacYaml } from '../../cli/crd.ts';
import { createAjv } from '../../shared/api/ajv.ts';
import type { SchemaNode } from './helpers.ts';
import { corpusFiles, FLAGGER_DIR, readYamlDocuments, REPO_ROOT } from './helpers.ts';

const CRDS_FILE = join(REPO_ROOT, 'infra', 'cluster', 'crds.yaml');
const RBAC_FILE = join(REPO_ROOT, 'infra', 'cluster', 'rbac.yaml');

type Crd = {
  metadata: { name: string };
  spec: {
    names: { kind: string };
    versions: { name: string; subresources: unknown; additionalPrinterColumns: unknown; schema: { openAPIV3Schema: SchemaNode } }[];
  };
};

const committed = readYamlDocuments(CRDS_FILE) as Crd[];
const reference = readYamlDocuments(join(FLAGGER_DIR, 'flagger-crd.yaml')) as Crd[];
const byKind = (crds: Crd[], kind: string) => crds.find((crd) => crd.spec.names.kind === kind);
const KINDS = ['Canary', 'MetricTemplate', 'AlertProvider'];

describe('generated cluster manifests', () => {
  it('infra/cluster/crds.yaml is what the generator produces', () => {
    expect(readFileSync(CRDS_FILE, 'utf8')).toBe(crdsYaml());
  });

  it('infra/cluster/rbac.yaml is what the generator produces', () => {
    expect(readFileSync(RBAC_FILE, 'utf8')).toBe(rbacYaml());
  });

  it('parses as YAML without errors', () => {
    for (const file of [CRDS_FILE, RBAC_FILE]) {
      expect(parseAllDocuments(readFileSync(file, 'utf8')).flatMap((doc) => doc.errors)).toEqual([]);
    }
  });

  it.each(KINDS)("the %s CRD has Flagger's name, version, status subresource and printer columns", (kind) => {
    const ours = byKind(committed, kind);
    const theirs = byKind(reference, kind);
    expect(ours?.metadata.name).toBe(theirs?.metadata.name);
    expect(ours?.spec.versions.map((v) => [v.name, v.subresources, v.additionalPrinterColumns])).toEqual(
      theirs?.spec.versions.map((v) => [v.name, v.subresources, v.additionalPrinterColumns]),
    );
  });
});

describe('the generated CRD schemas', () => {
  const ajv = createAjv({ strict: false });
  const validators = Object.fromEntries(KINDS.map((kind) => [kind, ajv.compile(byKind(committed, kind)?.spec.versions[0]?.schema.openAPIV3Schema ?? {})]));
  const flaggerDocs = (path: string) =>
    readYamlDocuments(path).filter((doc): doc is { kind: string } => KINDS.includes(String((doc as { kind?: unknown }).kind)));
  const exampleFiles = readdirSync(join(REPO_ROOT, 'examples'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join(REPO_ROOT, 'examples', name));

  it('find Flagger objects among the examples', () => {
    expect(exampleFiles.flatMap(flaggerDocs).length).toBeGreaterThan(0);
  });

  it.each([...corpusFiles('valid').map((f) => join(FLAGGER_DIR, 'valid', f)), ...exampleFiles])('accept %s', (file) => {
    const rejected = flaggerDocs(file).filter((doc) => !validators[doc.kind]?.(doc));
    expect(rejected).toEqual([]);
  });

  it.each(corpusFiles('invalid'))('reject invalid/%s, as the API server would', (file) => {
    const verdicts = flaggerDocs(join(FLAGGER_DIR, 'invalid', file)).map((doc) => validators[doc.kind]?.(doc));
    expect(verdicts).toContain(false);
  });

  it.each(KINDS)('the %s schema is structural (a type on every node, junctors only restate fields)', (kind) => {
    expect(structuralProblems(byKind(committed, kind)?.spec.versions[0]?.schema.openAPIV3Schema ?? {}, '')).toEqual([]);
  });
});

describe('controller RBAC', () => {
  const [role, binding] = rbacManifests() as [
    { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] },
    { subjects: { kind: string; name: string }[]; roleRef: { name: string } },
  ];
  const allowed = (group: string, resource: string, verb: string) =>
    role.rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

  it('binds the ClusterRole to the IAM-mapped group fledge:controller', () => {
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'fledge:controller' }]);
    expect(binding.roleRef.name).toBe('fledge-controller');
  });

  it('binds another group when asked', () => {
    const [, other] = rbacManifests({ group: 'platform:fledge' }) as [unknown, { subjects: { name: string }[] }];
    expect(other.subjects[0]?.name).toBe('platform:fledge');
  });

  it.each([
    ['apps', 'deployments', 'update'],
    ['apps', 'daemonsets', 'create'],
    ['', 'services', 'patch'],
    ['', 'configmaps', 'create'],
    ['', 'secrets', 'update'],
    ['', 'events', 'create'],
    ['autoscaling', 'horizontalpodautoscalers', 'create'],
    ['flagger.app', 'canaries', 'watch'],
    ['flagger.app', 'canaries/status', 'patch'],
    ['flagger.app', 'metrictemplates', 'get'],
    ['flagger.app', 'alertproviders', 'list'],
    ['networking.istio.io', 'virtualservices', 'update'],
    ['networking.istio.io', 'destinationrules', 'create'],
    ['gateway.networking.k8s.io', 'httproutes', 'patch'],
    ['metrics.keptn.sh', 'keptnmetrics', 'get'],
    ['metrics.keptn.sh', 'analyses', 'create'],
    ['metrics.keptn.sh', 'analyses', 'get'],
    ['metrics.keptn.sh', 'analyses', 'delete'],
    ['external.metrics.k8s.io', '*', 'get'],
  ])('allows %s/%s %s', (group, resource, verb) => {
    expect(allowed(group, resource, verb)).toBe(true);
  });

  it.each([
    ['flagger.app', 'metrictemplates', 'update'],
    ['', 'events', 'delete'],
    ['', 'namespaces', 'get'],
    ['metrics.keptn.sh', 'keptnmetrics', 'update'],
  ])('does not allow %s/%s %s', (group, resource, verb) => {
    expect(allowed(group, resource, verb)).toBe(false);
  });
});

const JUNCTOR_KEYS = new Set(['required', 'properties', 'not', 'anyOf', 'oneOf', 'allOf']);

function structuralProblems(node: SchemaNode, path: string): string[] {
  const problems: string[] = [];
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (node.type === undefined && !intOrString) problems.push(`${path || '<root>'}: no type`);
  if (node.properties && node.additionalProperties) problems.push(`${path}: both properties and additionalProperties`);
  for (const junctor of ['oneOf', 'anyOf'] as const) {
    for (const branch of (node[junctor] as SchemaNode[] | undefined) ?? []) {
      if (intOrString) continue;
      const extra = Object.keys(branch).filter((key) => !JUNCTOR_KEYS.has(key));
      if (extra.length > 0) problems.push(`${path}.${junctor}: ${extra.join(', ')} not allowed in a junctor`);
      for (const [field] of Object.entries(branch.properties ?? {})) {
        if (!node.properties?.[field]) problems.push(`${path}.${junctor}: restates undeclared field ${field}`);
      }
    }
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) problems.push(...structuralProblems(child, `${path}.${key}`));
  if (node.items) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (typeof node.additionalProperties === 'object') problems.push(...structuralProblems(node.additionalProperties, `${path}.*`));
  return problems;
}
