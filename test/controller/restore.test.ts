/**
 * Restoring the primary after a failed promotion, through the real controller against the emulator: the
 * primary is rebuilt from the last promoted target template with the config hashes of that promotion, so it
 * runs exactly the template it ran before, even though a tracked ConfigMap changed since. What the workload
 * could not put back as it was is said as a Warning event on the Canary, and only by a tick whose commit won.
 */
import { afterEach, expect, it } from 'vitest';
import type { CanaryState } from '../../shared/api/state.ts';
import { advanceCanary, type ControllerDeps } from '../../shared/controller/index.ts';
import { normalizeTemplate, type Deployment, type PodTemplateSpec } from '../../shared/workload/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, canary, file, scenario } from '../sim/scenario/fixtures.ts';

const MINUTE = 60_000;
let sim: Simulation | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

/** The podinfo Deployment reading its environment from a tracked ConfigMap. */
const CONFIGURED = file(
  'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: podinfo-config, namespace: test}\ndata: {color: red}',
  DEPLOYMENT.replace('          ports:', '          envFrom: [{configMapRef: {name: podinfo-config}}]\n          ports:'),
);

const PRIMARY = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' };

async function primaryTemplate(s: Simulation): Promise<PodTemplateSpec> {
  const primary = (await s.kube.get<Deployment>(PRIMARY)) as Deployment;
  return normalizeTemplate(primary.spec.template);
}

async function state(s: Simulation): Promise<CanaryState | undefined> {
  return (await s.deps.store.load(s.id))?.state;
}

it('restores the primary to the template it ran, built with the configs of that promotion', async () => {
  const quick = canary().replace('  service: {port: 9898}', '  progressDeadlineSeconds: 120\n  service: {port: 9898}');
  const parsed = parseScenario(file(CONFIGURED, quick, scenario('  maxTicks: 50\n  world:\n    primary: {neverReadyAfterPromotion: true}')), 'restore.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const s = (sim = await startSimulation(parsed.file));
  const tick = async (n: number) => {
    const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
    s.clock.set(now.getTime());
    await advanceCanary(s.deps, s.id, now, { tick: n });
    s.world.tick(now);
  };
  await tick(1);
  await tick(2);
  expect((await state(s))?.phase).toBe('Initialized');
  const promoted = await primaryTemplate(s);

  // A release that changes both the image and the tracked ConfigMap; its promotion never becomes ready.
  await s.kube.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'podinfo-config' }, 'merge', { data: { color: 'blue' } });
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image: 'ghcr.io/stefanprodan/podinfo:6.0.1' }] } } },
  });
  let n = 3;
  for (; n < 30 && (await state(s))?.phase !== 'Failed'; n++) await tick(n);
  const failed = await state(s);
  expect(failed?.promotionFailure?.mode).toBe('restore');

  expect(await primaryTemplate(s)).toEqual(promoted);
  await tick(n);
  expect((await state(s))?.promotionFailure).toBeUndefined();
});

const RECREATED =
  'configmap podinfo-config-primary.test was missing and was re-created from podinfo-config.test, whose contents changed since the revision was promoted';

/** An initialized canary whose primary and config copy were then deleted, after its tracked ConfigMap changed. */
async function lostPrimaryAfterConfigChange(): Promise<{ s: Simulation; tick: (n: number, deps?: ControllerDeps) => Promise<string> }> {
  const parsed = parseScenario(file(CONFIGURED, canary(), scenario('  maxTicks: 50')), 'recreated.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const s = (sim = await startSimulation(parsed.file));
  const tick = async (n: number, deps: ControllerDeps = s.deps) => {
    const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
    s.clock.set(now.getTime());
    const result = await advanceCanary(deps, s.id, now, { tick: n });
    s.world.tick(now);
    return result.kind;
  };
  await tick(1);
  await tick(2);
  expect((await state(s))?.phase).toBe('Initialized');
  s.events.drain();
  await s.kube.patch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'podinfo-config' }, 'merge', { data: { color: 'blue' } });
  await s.kube.delete(PRIMARY);
  await s.kube.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'test', name: 'podinfo-config-primary' });
  return { s, tick };
}

it('records a config copy re-created from changed contents as a Warning event on the Canary and in the history', async () => {
  const { s, tick } = await lostPrimaryAfterConfigChange();

  expect(await tick(3)).toBe('advanced');

  expect(s.events.drain()).toContainEqual({ type: 'Warning', message: RECREATED });
  const history = await s.deps.store.history(s.id);
  expect(history.items.find((item) => item.tick === 3)?.events).toContainEqual({ type: 'Warning', message: RECREATED });
});

it('does not announce the warning of a tick that lost its commit', async () => {
  const { s, tick } = await lostPrimaryAfterConfigChange();
  const losing: ControllerDeps = { ...s.deps, store: { ...s.deps.store, load: s.deps.store.load.bind(s.deps.store), commit: () => Promise.resolve({ kind: 'conflict' as const }) } };

  expect(await tick(3, losing)).toBe('conflict');

  expect(s.events.drain().map((event) => event.message)).not.toContain(RECREATED);
});
