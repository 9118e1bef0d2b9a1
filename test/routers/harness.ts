/**
 * The emulator and router dependencies a router test file shares: started before its tests and stopped after,
 * the target's metadata read by the Deployment workload as the controller reads it.
 */
import { afterAll, beforeAll } from 'vitest';
import type { RouterDeps } from '../../shared/routers/index.ts';
import { DeploymentWorkload } from '../../shared/workload/index.ts';
import { startKube, type KubeHarness } from '../kube/harness.ts';

/** Registers the file's hooks; `ready` receives the harness and the deps once the emulator runs. */
export function routerDepsForFile(ready: (h: KubeHarness, deps: RouterDeps) => void): void {
  let h: KubeHarness | undefined;
  beforeAll(async () => {
    h = await startKube();
    const workload = new DeploymentWorkload({ kube: h.kube });
    ready(h, { kube: h.kube, targetMetadata: (canary) => workload.metadata(canary) });
  });
  afterAll(async () => {
    await h?.stop();
  });
}
