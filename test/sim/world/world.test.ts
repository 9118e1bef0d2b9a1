import { describe, expect, it } from 'vitest';
import { createClusterState } from '../../../sim/emulator/index.ts';
import { WorldError, createWorld } from '../../../sim/world/index.ts';
import { R, START, deployment, simulate } from './harness.ts';

const clock = { now: () => new Date(START) };

describe('createWorld', () => {
  it.each([
    { images: { 'a:1': { readyAfterTicks: -1 } }, message: 'images["a:1"].readyAfterTicks: expected a non-negative integer, got -1' },
    { images: { 'a:1': { readyAfterTicks: 1.5 } }, message: 'images["a:1"].readyAfterTicks: expected a non-negative integer, got 1.5' },
    { images: { 'a:1': { errorRate: 1.2 } }, message: 'images["a:1"].errorRate: expected a number from 0 to 1, got 1.2' },
    { images: { 'a:1': { neverReady: 'yes' } }, message: 'images["a:1"].neverReady: expected a boolean, got "yes"' },
    { images: { 'a:1': { latencyMs: -5 } }, message: 'images["a:1"].latencyMs: expected a non-negative number, got -5' },
    { images: { 'a:1': { readyAfter: 2 } }, message: 'images["a:1"].readyAfter: unknown field' },
  ])('rejects $message', ({ images, message }) => {
    const make = (): unknown => createWorld({ state: createClusterState({ clock }), clock, images: images as never });
    expect(make).toThrow(WorldError);
    expect(make).toThrow(message);
  });

  it('rejects a tick length that is not a positive number of milliseconds', () => {
    const make = (): unknown => createWorld({ state: createClusterState({ clock }), clock, tickMs: 0 });
    expect(make).toThrow('invalid world: tickMs: expected a positive number of milliseconds, got 0');
  });

  it('answers image behaviours with the defaults filled in', () => {
    const world = createWorld({ state: createClusterState({ clock }), clock, images: { 'a:1': { errorRate: 0.35 } } });
    expect(world.imageBehaviour('a:1')).toEqual({ readyAfterTicks: 0, neverReady: false, crashLoop: false, errorRate: 0.35, latencyMs: 50 });
    expect(world.imageBehaviour('unlisted:1')).toEqual({ readyAfterTicks: 0, neverReady: false, crashLoop: false, errorRate: 0, latencyMs: 50 });
  });

  it('registers its nodes as Node objects', () => {
    const sim = simulate({ nodes: [{ name: 'a', labels: { zone: 'z1' } }, { name: 'b' }] });
    const nodes = sim.list(R.nodes);
    expect(nodes.map((n) => n.metadata.name)).toEqual(['a', 'b']);
    expect(nodes[0]?.metadata.labels).toEqual({ 'kubernetes.io/arch': 'amd64', 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': 'a', zone: 'z1' });
    expect((nodes[0]?.['status'] as { conditions: Array<{ type: string; status: string }> }).conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  });

  it('has three nodes unless told otherwise', () => {
    expect(simulate().list(R.nodes).map((n) => n.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
  });
});

describe('World.tick', () => {
  it('refuses to move time backwards', () => {
    const sim = simulate();
    sim.advance(60);
    expect(() => sim.world.tick(new Date(START))).toThrow('world.tick: time must not go backwards: got 2026-01-01T00:00:00.000Z, the previous tick was at 2026-01-01T00:01:00.000Z');
  });

  it('reads a tickMs function at every tick, so readyAfterTicks follows a tick length that changes', () => {
    let tickMs = 60_000;
    const sim = simulate({ tickMs: () => tickMs, images: { 'app:slow': { readyAfterTicks: 1 } } });
    sim.create(R.deployments, deployment('podinfo', 'app:slow'));
    sim.tick();
    sim.advance(10);
    const before = sim.world.workloadSummary('default', 'podinfo')?.readyReplicas;

    tickMs = 10_000;
    sim.tick();

    expect(before).toBe(0);
    expect(sim.world.workloadSummary('default', 'podinfo')?.readyReplicas).toBe(1);
  });

  it('refuses a tickMs function that answers no positive number', () => {
    const sim = simulate({ tickMs: () => Number.NaN });
    expect(() => sim.tick()).toThrow('world.tick: tickMs: expected a positive number of milliseconds, got NaN');
  });

  it('reads the clock when called without a time and counts ticks', () => {
    const state = createClusterState({ clock });
    const world = createWorld({ state, clock });
    expect(world.tick()).toMatchObject({ tick: 1, now: new Date(START) });
    expect(world.ticks).toBe(1);
  });
});

describe('World.workloadSummary', () => {
  it('answers undefined for a workload that does not exist', () => {
    expect(simulate().world.workloadSummary('default', 'nothing')).toBeUndefined();
  });

  it('shows pods of a rollout in progress, the old ones included', () => {
    const sim = simulate({ images: { 'app:slow': { readyAfterTicks: 1 } } });
    sim.create(R.deployments, deployment('podinfo', 'app:1', { replicas: 2 }));
    sim.tick();
    sim.edit(R.deployments, 'podinfo', (d) => ((d['spec'] as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]!.image = 'app:slow'));
    sim.advance();
    expect(sim.world.workloadSummary('default', 'podinfo')).toEqual({ kind: 'Deployment', replicas: 3, readyReplicas: 2, image: 'app:slow' });
  });
});
