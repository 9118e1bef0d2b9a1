/**
 * A running Kubernetes API emulator with Fledge's kube port pointed at it over real HTTP, for the kube,
 * workload and router tests. The cluster has the CRDs a scenario cluster starts with (Flagger's own and
 * every router and autoscaler kind).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { standardCrds } from '../../sim/crds/index.ts';
import { startEmulator, type Emulator } from '../../sim/emulator/index.ts';
import { createKubeClient, RequestCounter, type KubeClient } from '../../shared/kube/index.ts';

/** An emulator, the kube port on it, and the request counter of that port. */
export interface KubeHarness {
  readonly emulator: Emulator;
  readonly kube: KubeClient;
  readonly counter: RequestCounter;
  stop(): Promise<void>;
}

/** Starts an emulator with the standard CRDs and the namespace `test`. */
export async function startKube(): Promise<KubeHarness> {
  const emulator = await startEmulator({ crds: standardCrds(), clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
  const counter = new RequestCounter();
  const kube = createKubeClient({ kubeconfig: emulator.kubeconfig(), onRequest: counter.hook });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  counter.reset();
  return { emulator, kube, counter, stop: () => emulator.stop() };
}

/**
 * One harness for the test file that calls it (at its top level): started before its tests, stopped after
 * them, with no injected fault and a zero request count at the start of each test. Its fields are set once
 * the file's `beforeAll` has run.
 */
export function kubeForFile(): KubeHarness {
  const harness = {} as { -readonly [K in keyof KubeHarness]: KubeHarness[K] };
  beforeAll(async () => {
    Object.assign(harness, await startKube());
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => {
    harness.emulator.faults.clear();
    harness.counter.reset();
  });
  return harness;
}
