/**
 * The knative provider as whole releases (`examples/scenarios/knative-*.yaml`, `examples/knative/`): the Knative
 * Service's annotation, `spec.traffic` and `status.traffic` read back from the emulator after every tick, as
 * Flagger's KnativeRouter and KnativeController leave them, plus the per-tick invariants of every release.
 */
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../shared/kube/index.ts';
import type { TickLine } from '../../sim/scenario/types.ts';
import { V0, V1, documents, play, tickAt } from './scenario-harness.ts';

const KSVC = { apiVersion: 'serving.knative.dev/v1', kind: 'Service', namespace: 'test', name: 'podinfo' };
const FIRST = 'podinfo-00001';
const SECOND = 'podinfo-00002';

/** What Fledge manages on the Knative Service: the pinned primary and both traffic lists. */
function routing(service: KubeObject | undefined): { pinned: string | undefined; spec: unknown; status: unknown } {
  return {
    pinned: service?.metadata.annotations?.['flagger.app/primary-revision'],
    spec: (service?.['spec'] as { traffic?: unknown } | undefined)?.traffic,
    status: (service?.['status'] as { traffic?: unknown } | undefined)?.traffic,
  };
}

/** Flagger's two entries: the latest Revision (resolved to `latest` in the status) and the pinned primary. */
function split(pinned: string, latest: string, primary: number, canary: number) {
  return {
    pinned,
    spec: [{ latestRevision: true, percent: canary }, { revisionName: pinned, percent: primary }],
    status: [{ latestRevision: true, percent: canary, revisionName: latest }, { revisionName: pinned, percent: primary }],
  };
}

function checkInvariants(lines: readonly TickLine[]): void {
  for (const line of lines) {
    expect(line.routes.primary + line.routes.canary, `weights of tick ${line.tick}`).toBe(100);
    if (line.routes.canary > 0) expect(line.canary?.readyReplicas, `canary pods while it carries traffic, tick ${line.tick}`).toBeGreaterThan(0);
    if (line.routes.primary > 0) expect(line.primary?.readyReplicas, `primary pods while it carries traffic, tick ${line.tick}`).toBeGreaterThan(0);
  }
}

describe('knative', () => {
  it('promotes a weighted canary (its ready example): spec.traffic carries each step, then the new Revision is pinned', async () => {
    const { lines, summary, objects } = await play(['knative/podinfo.yaml', 'knative/release.yaml'], KSVC);

    expect(summary).toEqual({ ticks: 9, phase: 'Succeeded', canaryWeights: [10, 20, 30], primaryImage: V1 });
    checkInvariants(lines);
    // Initialization pins the first Revision and puts everything on it (Flagger's Initialize).
    expect(routing(objects.get(2))).toEqual(split(FIRST, FIRST, 100, 0));
    for (const weight of [10, 20, 30]) expect(routing(objects.get(tickAt(lines, weight))), `Knative Service at ${weight}%`).toEqual(split(FIRST, SECOND, 100 - weight, weight));
    // Promotion re-pins the primary to the canary's Revision; all traffic on it.
    expect(routing(objects.get(9))).toEqual(split(SECOND, SECOND, 100, 0));
    expect(lines.at(-1)).toMatchObject({ primary: { image: V1, readyReplicas: 1 }, canary: { image: V1 } });
  });

  it('has the ready example as its self-contained canary scenario', () => {
    expect(documents(['scenarios/knative-canary.yaml'])).toEqual(documents(['knative/podinfo.yaml', 'knative/release.yaml']));
  });

  it('rolls back on errors: spec.traffic all on the pinned primary Revision, the failed Revision scaled to zero by Knative', async () => {
    const { lines, summary, objects } = await play(['scenarios/knative-rollback.yaml'], KSVC);

    // Tick 5 rolls back; tick 6 is the scale-down that waits for the routes to read back all-primary (a no-op
    // write for a Knative Service, which Knative scales itself).
    expect(summary).toEqual({ ticks: 6, phase: 'Failed', canaryWeights: [10], primaryImage: V0 });
    checkInvariants(lines);
    expect(routing(objects.get(4))).toEqual(split(FIRST, SECOND, 90, 10));
    expect(routing(objects.get(5))).toEqual(split(FIRST, SECOND, 100, 0));
    expect(routing(objects.get(6))).toEqual(split(FIRST, SECOND, 100, 0));
    expect(lines.at(-1)).toMatchObject({ routes: { primary: 100, canary: 0, mirrored: false, matched: null }, canary: { image: V1, replicas: 0 }, primary: { image: V0, readyReplicas: 1 } });
    expect(lines.flatMap((l) => l.events.map((e) => e.message))).toContain('Canary failed! Scaling down podinfo.test');
  });

  it('gives a taken-over spec.traffic back when the Canary is deleted with revertOnDeletion, the primary unpinned', async () => {
    const original = [{ tag: 'current', latestRevision: true, percent: 100 }];
    const { summary, objects } = await play(['scenarios/knative-revert-on-deletion.yaml'], KSVC);

    expect(summary).toEqual({ ticks: 6, phase: 'Terminated', canaryWeights: [10, 20], primaryImage: null });
    const taken = objects.get(5) as KubeObject;
    expect(routing(taken)).toEqual(split(FIRST, SECOND, 80, 20));
    expect(JSON.parse(taken.metadata.annotations?.['fledge.dev/original-traffic'] ?? '')).toEqual(original);
    const given = objects.get(6) as KubeObject;
    expect(routing(given)).toEqual({ pinned: undefined, spec: original, status: [{ ...original[0], revisionName: SECOND }] });
    expect(given.metadata.annotations?.['fledge.dev/original-traffic']).toBeUndefined();
  });

  it('rolls back a Revision that never becomes ready at progressDeadlineSeconds, without a request reaching it', async () => {
    const { lines, summary, objects } = await play(['scenarios/knative-never-ready.yaml'], KSVC);

    expect(summary).toEqual({ ticks: 5, phase: 'Failed', canaryWeights: [], primaryImage: V0 });
    checkInvariants(lines);
    expect(lines.every((l) => l.routes.canary === 0)).toBe(true);
    // The latest entry never resolves to the unready Revision: Knative keeps it on the latest ready one, the primary.
    expect(routing(objects.get(4))).toEqual(split(FIRST, FIRST, 100, 0));
    // Tick 4 rolls back; tick 5 is the (Knative-scaled, so no-op) scale-down after the routes read back.
    expect(lines.at(-2)?.events.map((e) => e.message)).toContain(
      'Rolling back podinfo.test progress deadline exceeded Knative Revision podinfo-00002.test is not ready (not ready for 60s, progressDeadlineSeconds)',
    );
  });

  it('does not hold the deletion for a Revision still starting: Knative keeps requests on the last ready one', async () => {
    const { lines, summary, objects } = await play(['scenarios/knative-deleted-while-unready.yaml'], KSVC);

    expect(summary).toEqual({ ticks: 4, phase: 'Terminated', canaryWeights: [], primaryImage: null });
    expect(lines.at(-1)?.events.map((e) => e.message)).toEqual(['Terminating canary podinfo.test', 'Terminated canary podinfo.test']);
    // The user's traffic is back; its "latest" still resolves to the first Revision, the only ready one.
    expect(routing(objects.get(4))).toEqual({ pinned: undefined, spec: [{ tag: 'current', latestRevision: true, percent: 100 }], status: [{ tag: 'current', latestRevision: true, percent: 100, revisionName: FIRST }] });
  });
});
