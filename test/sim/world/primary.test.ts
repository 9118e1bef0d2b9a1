import { describe, expect, it } from 'vitest';
import type { GroupVersionResource, KubeObject } from '../../../sim/emulator/index.ts';
import { R, condition, daemonSet, deployment, isReady, podImage, simulate, status } from './harness.ts';
import type { Sim } from './harness.ts';

const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
const V2 = 'ghcr.io/stefanprodan/podinfo:6.0.1';

/** The pod template Flagger writes on `<target>-primary`: the target's, with the app label rewritten. */
function primaryTemplate(image: string, name = 'podinfo'): Record<string, unknown> {
  return { metadata: { labels: { app: `${name}-primary` } }, spec: { containers: [{ name: 'app', image }] } };
}

function setTemplate(sim: Sim, name: string, template: Record<string, unknown>, gvr: GroupVersionResource = R.deployments): void {
  sim.edit(gvr, name, (o) => ((o['spec'] as { template: unknown }).template = structuredClone(template)));
}

/** Target and primary as Flagger leaves them after initialization: the primary serves, the target is scaled to zero. */
function bootstrap(sim: Sim, spec: Record<string, unknown> = { replicas: 2 }): void {
  sim.create(R.deployments, deployment('podinfo', V1, { ...spec, replicas: 0 }));
  sim.create(R.deployments, deployment('podinfo-primary', V1, spec, { app: 'podinfo-primary' }));
  sim.tick();
}

function primaryPods(sim: Sim): Array<{ image: string | undefined; ready: boolean }> {
  return sim
    .list(R.pods)
    .filter((p) => p.metadata.labels?.['app'] === 'podinfo-primary')
    .map((p) => ({ image: podImage(p), ready: isReady(p) }))
    .sort((a, b) => String(a.image).localeCompare(String(b.image)) || Number(a.ready) - Number(b.ready));
}

/** A new revision: the canary runs V2, passes, and its template is copied to the primary. */
function promote(sim: Sim): void {
  sim.edit(R.deployments, 'podinfo', (d) => {
    (d['spec'] as { replicas: number }).replicas = 2;
    ((d['spec'] as { template: KubeObject }).template['spec'] as { containers: Array<{ image: string }> }).containers[0]!.image = V2;
  });
  sim.advance();
  setTemplate(sim, 'podinfo-primary', primaryTemplate(V2));
  sim.advance();
}

describe('primary.neverReadyAfterPromotion', () => {
  it('lets the bootstrap copy of the target become ready', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim);
    expect(primaryPods(sim)).toEqual([
      { image: V1, ready: true },
      { image: V1, ready: true },
    ]);
    expect(sim.world.primaryTemplateOrigin('default', 'podinfo-primary')).toBe('initial');
  });

  it('never readies primary pods of the template copied at promotion, while the canary with the same image is ready', () => {
    // Prepare
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim);

    // Act
    promote(sim); // the primary gets the canary's template at 120 s
    for (let i = 0; i < 11; i++) sim.advance(); // 780 s: more than the 600 s deadline since then

    // Assess
    expect(sim.world.primaryTemplateOrigin('default', 'podinfo-primary')).toBe('promoted');
    expect(primaryPods(sim)).toEqual([
      { image: V1, ready: true },
      { image: V1, ready: true },
      { image: V2, ready: false },
    ]);
    expect(sim.world.workloadSummary('default', 'podinfo')).toEqual({ kind: 'Deployment', replicas: 2, readyReplicas: 2, image: V2 });
    const primary = sim.get(R.deployments, 'podinfo-primary');
    expect(condition(primary, 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
  });

  it('readies the primary again once its last promoted template is restored', () => {
    // Prepare
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim);
    promote(sim);

    // Act
    setTemplate(sim, 'podinfo-primary', primaryTemplate(V1));
    sim.advance();

    // Assess
    expect(sim.world.primaryTemplateOrigin('default', 'podinfo-primary')).toBe('initial');
    expect(primaryPods(sim)).toEqual([
      { image: V1, ready: true },
      { image: V1, ready: true },
    ]);
    expect(condition(sim.get(R.deployments, 'podinfo-primary'), 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('keeps failing a template that failed before when it is promoted again', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim);
    promote(sim);
    setTemplate(sim, 'podinfo-primary', primaryTemplate(V1));
    sim.advance();
    setTemplate(sim, 'podinfo-primary', primaryTemplate(V2));
    sim.advance();
    expect(primaryPods(sim).filter((p) => p.image === V2)).toEqual([{ image: V2, ready: false }]);
  });

  it('leaves a Recreate primary with no ready pod after a failed promotion, the outage of Flagger issue #1898', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim, { replicas: 2, strategy: { type: 'Recreate' } });
    promote(sim);
    expect(primaryPods(sim)).toEqual([
      { image: V2, ready: false },
      { image: V2, ready: false },
    ]);
    expect(sim.world.workloadSummary('default', 'podinfo-primary')).toEqual({ kind: 'Deployment', replicas: 2, readyReplicas: 0, image: V2 });
  });

  it('lets a promoted primary become ready when the rule is off', () => {
    const sim = simulate();
    bootstrap(sim);
    promote(sim);
    expect(primaryPods(sim)).toEqual([
      { image: V2, ready: true },
      { image: V2, ready: true },
    ]);
  });

  it('treats a primary deleted and created again as a new bootstrap', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    bootstrap(sim);
    promote(sim);
    sim.state.delete(R.deployments, 'default', 'podinfo-primary');
    sim.create(R.deployments, deployment('podinfo-primary', V2, { replicas: 2 }, { app: 'podinfo-primary' }));
    sim.advance();
    expect(primaryPods(sim)).toEqual([
      { image: V2, ready: true },
      { image: V2, ready: true },
    ]);
  });

  it('does not touch workloads that are not primaries', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true } });
    sim.create(R.deployments, deployment('podinfo', V1, { replicas: 2 }));
    sim.tick();
    setTemplate(sim, 'podinfo', { metadata: { labels: { app: 'podinfo' } }, spec: { containers: [{ name: 'app', image: V2 }] } });
    sim.advance();
    expect(status(sim.get(R.deployments, 'podinfo'))).toMatchObject({ updatedReplicas: 2, readyReplicas: 2 });
  });

  it('applies to DaemonSet primaries too', () => {
    const sim = simulate({ primary: { neverReadyAfterPromotion: true }, nodes: 2 });
    sim.create(R.daemonSets, daemonSet('agent-primary', V1));
    sim.tick();
    const ready = (): number => status(sim.get(R.daemonSets, 'agent-primary'))['numberReady'] as number;
    const readyAtBootstrap = ready();
    setTemplate(sim, 'agent-primary', { metadata: { labels: { app: 'agent-primary' } }, spec: { containers: [{ name: 'app', image: V2 }] } }, R.daemonSets);
    sim.advance();
    sim.advance();
    expect(readyAtBootstrap).toBe(2);
    expect(ready()).toBe(1);
    expect(sim.world.primaryTemplateOrigin('default', 'agent-primary')).toBe('promoted');
  });
});
