import { randomUUID } from 'node:crypto';
import { newCanaryState, type CanaryId, type CanaryState, type HistoryItem, type JsonObject, type Phase } from '../../shared/api/state.ts';

/** A canary id no other test uses. */
export function uniqueId(overrides: Partial<CanaryId> = {}): CanaryId {
  return { cluster: `c-${randomUUID().slice(0, 8)}`, namespace: 'test', name: 'podinfo', ...overrides };
}

/** The pod template of podinfo's Deployment, as the workload room would store it after a promotion. */
export const podTemplate: JsonObject = {
  metadata: { labels: { app: 'podinfo' }, annotations: { 'prometheus.io/scrape': 'true' } },
  spec: {
    containers: [
      {
        name: 'podinfod',
        image: 'ghcr.io/stefanprodan/podinfo:6.0.1',
        ports: [{ name: 'http', containerPort: 9898, protocol: 'TCP' }],
        command: ['./podinfo', '--port=9898'],
        env: [{ name: 'PODINFO_UI_COLOR', valueFrom: { configMapKeyRef: { name: 'podinfo-config-primary', key: 'color' } } }],
        resources: { limits: { cpu: '2000m', memory: '512Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
        readinessProbe: { httpGet: { path: '/readyz', port: 9898 }, initialDelaySeconds: 1, timeoutSeconds: 5 },
      },
    ],
    volumes: [{ name: 'config', configMap: { name: 'podinfo-config-primary', optional: false } }],
    terminationGracePeriodSeconds: 30,
    nodeSelector: null,
  },
};

/**
 * A state with every field set, so a round trip proves each one is kept. Typed `Required` so that a field
 * added to `CanaryState` fails the typecheck here until it is covered.
 */
export function fullState(overrides: Partial<CanaryState> = {}): CanaryState {
  const full: Required<CanaryState> = {
    phase: 'Progressing',
    canaryWeight: 30,
    failedChecks: 1,
    iterations: 2,
    lastAppliedSpec: '7d9c8f6b5',
    lastPromotedSpec: '5f4d6c7b8',
    lastPromotedTemplate: podTemplate,
    trackedConfigs: { 'configmap/podinfo-config': 'a1b2c3', 'secret/podinfo-token': 'd4e5f6' },
    sessionAffinityCookie: 'flagger-cookie=LpsIaLdoNZ',
    primarySessionAffinityCookie: 'flagger-primary-cookie=QZxHnOzmbS',
    previousSessionAffinityCookie: 'flagger-cookie=OldCookie1',
    conditions: [
      {
        type: 'Promoted',
        status: 'Unknown',
        reason: 'Progressing',
        message: 'New revision detected, progressing canary analysis.',
        lastTransitionTime: '2026-01-01T00:02:00Z',
        lastUpdateTime: '2026-01-01T00:03:00Z',
      },
    ],
    pendingRevision: { spec: '9a8b7c6d5', trackedConfigs: { 'configmap/podinfo-config': 'ffeedd' }, detectedAt: '2026-01-01T00:03:00Z' },
    controls: [
      { action: 'pause', requestedBy: 'cli:alice', requestedAt: '2026-01-01T00:02:30Z', reason: 'checking dashboards' },
      { action: 'resume', requestedBy: 'cli:bob', requestedAt: '2026-01-01T00:02:45Z' },
    ],
    paused: true,
    phaseEnteredAt: '2026-01-01T00:01:00Z',
    progressingSince: '2026-01-01T00:01:00Z',
    promotingSince: '2026-01-01T00:00:30Z',
    primaryProgressCount: 1,
    primaryProgressAt: '2026-01-01T00:00:50Z',
    lastTransitionTime: '2026-01-01T00:03:00Z',
    version: 0,
    lastPromotedConfigs: { 'configmap/podinfo-config': '0a0b0c' },
    promotingTemplate: { ...podTemplate, metadata: { labels: { app: 'podinfo', revision: 'next' } } },
    promotionFailure: { mode: 'restore', at: '2026-01-01T00:02:50Z', reason: 'primary not ready: 0/2 replicas available', restoreOverdueAlerted: false },
    canaryNotReadySince: '2026-01-01T00:01:30Z',
    canaryProgressCount: 2,
    canaryProgressAt: '2026-01-01T00:01:40Z',
    idlePhase: 'Succeeded',
    primaryNotRebuiltAlerted: true,
    canaryScaleDownPending: true,
  };
  return { ...full, ...overrides };
}

/** A small state in `phase`: the engine's new state, moved on to `phase` with `canaryWeight`. */
export function stateIn(phase: Phase, canaryWeight = 0): CanaryState {
  return { ...newCanaryState('2026-01-01T00:00:00Z'), phase, canaryWeight };
}

/** A history item with every field set, at `time`. */
export function historyAt(time: string, overrides: Partial<HistoryItem> = {}): HistoryItem {
  return {
    time,
    tick: 3,
    decision: 'advance',
    actor: 'scheduler',
    message: 'Advance podinfo.test canary weight 30',
    phaseBefore: 'Progressing',
    phaseAfter: 'Progressing',
    weightsBefore: { primary: 80, canary: 20, mirrored: false },
    weightsAfter: { primary: 70, canary: 30 },
    metrics: [
      { name: 'request-success-rate', value: 99.5, thresholdRange: { min: 99 }, outcome: 'pass' },
      { name: 'request-duration', value: null, thresholdRange: { max: 500 }, outcome: 'noData', detail: 'no values found' },
    ],
    webhooks: [
      { name: 'acceptance-test', type: 'pre-rollout', outcome: 'pass', statusCode: 200 },
      { name: 'load-test', type: 'rollout', outcome: 'fail', statusCode: 500, detail: 'connection refused' },
    ],
    events: [
      { type: 'Normal', message: 'Advance podinfo.test canary weight 30' },
      { type: 'Warning', message: 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic' },
    ],
    expiresAt: 1_775_000_000,
    ...overrides,
  };
}

/** `2026-01-01T00:MM:SSZ` for a number of seconds after the start of the sim's clock. */
export function at(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}
