import { describe, expect, it } from 'vitest';
import {
  configChecksum,
  configReferences,
  derivedId,
  findSelectorLabel,
  includeByPrefix,
  makePrimaryLabels,
  primaryHpaSpec,
  primaryQuery,
  primaryScaledObjectSpec,
  primaryTemplate,
  rewireConfigs,
  templateHash,
  type HorizontalPodAutoscaler,
  type PodTemplateSpec,
  type ScaledObject,
} from '../../shared/workload/index.ts';
import { canaryFor, podSpecWithConfigs } from './fixtures.ts';

const template = (image = 'podinfo:1'): PodTemplateSpec => ({
  metadata: { labels: { app: 'podinfo' }, annotations: { a: '1' } },
  spec: { containers: [{ name: 'c', image }], nodeSelector: { zone: 'a' } },
});

describe('templateHash', () => {
  it('is the same whatever the key order', () => {
    const reordered: PodTemplateSpec = { spec: { nodeSelector: { zone: 'a' }, containers: [{ image: 'podinfo:1', name: 'c' }] }, metadata: { annotations: { a: '1' }, labels: { app: 'podinfo' } } };
    expect(templateHash(reordered)).toBe(templateHash(template()));
  });

  it.each([
    ['the image', (t: PodTemplateSpec) => ({ ...t, spec: { ...t.spec, containers: [{ name: 'c', image: 'podinfo:2' }] } })],
    ['a pod annotation (Flagger retries a release that way)', (t: PodTemplateSpec) => ({ ...t, metadata: { ...t.metadata, annotations: { a: '2' } } })],
    ['a pod label', (t: PodTemplateSpec) => ({ ...t, metadata: { ...t.metadata, labels: { app: 'podinfo', v: '2' } } })],
  ])('changes with %s', (_what, change) => {
    expect(templateHash(change(template()))).not.toBe(templateHash(template()));
  });

  it('ignores the DaemonSet scale-to-zero selector, an empty node selector and a null creationTimestamp', () => {
    const plain: PodTemplateSpec = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }] } };
    const scaledDown: PodTemplateSpec = { metadata: { labels: { app: 'x' }, creationTimestamp: null }, spec: { containers: [{ name: 'c' }], nodeSelector: { 'flagger.app/scale-to-zero': 'true' } } };
    const empty: PodTemplateSpec = { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c' }], nodeSelector: {} } };
    expect(templateHash(scaledDown)).toBe(templateHash(plain));
    expect(templateHash(empty)).toBe(templateHash(plain));
  });
});

describe('config checksums and ids', () => {
  it('changes with data and binaryData, not with key order', () => {
    expect(configChecksum({ data: { a: '1', b: '2' } })).toBe(configChecksum({ data: { b: '2', a: '1' } }));
    expect(configChecksum({ data: { a: '1' } })).not.toBe(configChecksum({ data: { a: '2' } }));
    expect(configChecksum({ data: { a: '1' }, binaryData: { f: 'AAA=' } })).not.toBe(configChecksum({ data: { a: '1' } }));
  });

  it('derives a UUID-shaped flagger-id that is stable per seed', () => {
    expect(derivedId('rev-1')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(derivedId('rev-1')).toBe(derivedId('rev-1'));
    expect(derivedId('rev-2')).not.toBe(derivedId('rev-1'));
  });
});

describe('config references', () => {
  it('finds configs in volumes, projected volumes, env and envFrom of containers and init containers', () => {
    const keys = configReferences(podSpecWithConfigs()).map((r) => `${r.kind}/${r.name}`);
    expect(keys.sort()).toEqual(
      ['configmap/env-cm', 'configmap/envfrom-cm', 'configmap/init-cm', 'configmap/proj-cm', 'configmap/vol-cm', 'secret/env-secret', 'secret/envfrom-secret', 'secret/proj-secret', 'secret/vol-secret'].sort(),
    );
  });

  it('marks a reference required only when it says optional: false (Flagger)', () => {
    const spec = { containers: [{ name: 'c', envFrom: [{ configMapRef: { name: 'a', optional: false } }, { configMapRef: { name: 'b' } }, { configMapRef: { name: 'c', optional: true } }] }] };
    expect(configReferences(spec).map((r) => [r.name, r.required])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
  });

  it('rewires only tracked configs to their -primary copies and leaves the input untouched', () => {
    const spec = podSpecWithConfigs();
    const rewired = rewireConfigs(spec, new Set(['configmap/vol-cm', 'secret/vol-secret', 'configmap/proj-cm', 'secret/env-secret', 'configmap/envfrom-cm', 'configmap/init-cm']));
    expect(rewired.volumes?.map((v) => v.configMap?.name ?? v.secret?.secretName ?? v.projected?.sources?.map((s) => s.configMap?.name ?? s.secret?.name))).toEqual([
      'vol-cm-primary',
      'vol-secret-primary',
      ['proj-cm-primary', 'proj-secret'],
    ]);
    const container = rewired.containers[0];
    expect(container?.env?.map((e) => e.valueFrom?.configMapKeyRef?.name ?? e.valueFrom?.secretKeyRef?.name)).toEqual(['env-cm', 'env-secret-primary', undefined]);
    expect(container?.envFrom?.map((e) => e.configMapRef?.name ?? e.secretRef?.name)).toEqual(['envfrom-cm-primary', 'envfrom-secret']);
    expect(rewired.initContainers?.[0]?.envFrom?.[0]?.configMapRef?.name).toBe('init-cm-primary');
    expect(spec.volumes?.[0]?.configMap?.name).toBe('vol-cm');
  });
});

describe('labels', () => {
  it.each([
    [{ app: 'podinfo' }, { label: 'app', value: 'podinfo' }],
    [{ name: 'podinfo' }, { label: 'name', value: 'podinfo' }],
    [{ 'app.kubernetes.io/name': 'podinfo', tier: 'web' }, { label: 'app.kubernetes.io/name', value: 'podinfo' }],
    [{ tier: 'web' }, undefined],
  ])('finds the selector label in %o', (matchLabels, expected) => {
    expect(findSelectorLabel({ matchLabels }, ['app', 'name', 'app.kubernetes.io/name'])).toEqual(expected);
  });

  it('sets the primary value and drops Flux keys', () => {
    expect(makePrimaryLabels({ app: 'podinfo', 'kustomize.toolkit.fluxcd.io/name': 'x', tier: 'web' }, 'app', 'podinfo-primary')).toEqual({ app: 'podinfo-primary', tier: 'web' });
  });

  it('copies labels by prefix, all with *, none without prefixes', () => {
    const labels = { 'team.example.com/owner': 'a', app: 'b' };
    expect(includeByPrefix(labels, ['team.'])).toEqual({ 'team.example.com/owner': 'a' });
    expect(includeByPrefix(labels, ['*'])).toEqual(labels);
    expect(includeByPrefix(labels, [])).toEqual({});
  });
});

describe('primaryTemplate', () => {
  const input = (spec: PodTemplateSpec['spec']) => ({
    template: { metadata: { labels: { app: 'podinfo', version: 'v1' }, annotations: { 'flagger-id': 'old', keep: 'me' } }, spec },
    targetName: 'podinfo',
    selector: { label: 'app', value: 'podinfo' },
    selectorLabels: ['app', 'name', 'app.kubernetes.io/name'],
    tracked: new Set(['configmap/vol-cm']),
    revisionSeed: 'seed-1',
  });

  it('labels pods with the primary value and a flagger-id derived from the revision', () => {
    const built = primaryTemplate(input({ containers: [{ name: 'c' }] }));
    expect(built.metadata?.labels).toEqual({ app: 'podinfo-primary', version: 'v1' });
    expect(built.metadata?.annotations).toEqual({ keep: 'me', 'flagger-id': derivedId('seed-1') });
  });

  it('points anti-affinity and topology spread selectors at the primary pods', () => {
    const built = primaryTemplate(
      input({
        containers: [{ name: 'c' }],
        volumes: [{ name: 'v', configMap: { name: 'vol-cm' } }],
        topologySpreadConstraints: [{ maxSkew: 1, labelSelector: { matchLabels: { app: 'podinfo', tier: 'podinfo' } } }],
        affinity: {
          podAntiAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['podinfo', 'other'] }] } }],
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: { matchLabels: { app: 'podinfo' } } } }],
          },
        },
      }),
    );
    expect(built.spec.topologySpreadConstraints?.[0]?.labelSelector?.matchLabels).toEqual({ app: 'podinfo-primary', tier: 'podinfo' });
    expect(built.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]?.labelSelector?.matchExpressions?.[0]?.values).toEqual(['podinfo-primary', 'other']);
    expect(built.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm.labelSelector?.matchLabels).toEqual({ app: 'podinfo-primary' });
    expect(built.spec.volumes?.[0]?.configMap?.name).toBe('vol-cm-primary');
  });
});

describe('primary autoscalers', () => {
  it.each([
    ['sum(rate(http_requests_total{app="podinfo-canary"}[1m]))', 'sum(rate(http_requests_total{app="podinfo-primary"}[1m]))'],
    ['sum(rate(http_requests_total{app="podinfo"}[1m]))', 'sum(rate(http_requests_total{app="podinfo-primary"}[1m]))'],
    ['sum(rate(http_requests_total{app="podinfo-primary"}[1m]))', 'sum(rate(http_requests_total{app="podinfo-primary"}[1m]))'],
  ])('rewrites the query %s for the primary', (query, expected) => {
    expect(primaryQuery(query, 'podinfo')).toBe(expected);
  });

  it('copies the HPA for the primary with primaryScalerReplicas applied', () => {
    const source: HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'podinfo' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, minReplicas: 2, maxReplicas: 4, metrics: [{ type: 'Resource' }], behavior: { scaleDown: {} } },
    };
    const canary = canaryFor('podinfo', { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name: 'podinfo', primaryScalerReplicas: { maxReplicas: 10 } } });
    expect(primaryHpaSpec(canary, source)).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo-primary' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource' }],
      behavior: { scaleDown: {} },
    });
  });

  it('copies the ScaledObject for the primary with per-trigger queries and replica overrides', () => {
    const source: ScaledObject = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'podinfo-so' },
      spec: {
        scaleTargetRef: { name: 'podinfo' },
        pollingInterval: 10,
        minReplicaCount: 1,
        maxReplicaCount: 3,
        triggers: [
          { type: 'prometheus', name: 'prom', metadata: { query: 'sum(up{app="podinfo"})' } },
          { type: 'prometheus', name: 'custom', metadata: { query: 'sum(up{app="podinfo-canary"})' } },
        ],
      },
    };
    const canary = canaryFor('podinfo', {
      autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'podinfo-so', primaryScalerQueries: { custom: 'sum(up{app="mine"})' }, primaryScalerReplicas: { minReplicas: 2 } },
    });
    expect(primaryScaledObjectSpec(canary, source)).toEqual({
      scaleTargetRef: { name: 'podinfo-primary' },
      pollingInterval: 10,
      minReplicaCount: 2,
      maxReplicaCount: 3,
      triggers: [
        { type: 'prometheus', name: 'prom', metadata: { query: 'sum(up{app="podinfo-primary"})' } },
        { type: 'prometheus', name: 'custom', metadata: { query: 'sum(up{app="mine"})' } },
      ],
    });
  });
});
