/** The emulator and Deployment workload most workload test files share, started once per file. */
import { afterAll, beforeAll } from 'vitest';
import { DeploymentWorkload } from '../../shared/workload/index.ts';
import { startKube, type KubeHarness } from '../kube/harness.ts';

/** The file's emulator harness and a `DeploymentWorkload` on its kube port; set once the file's `beforeAll` has run. */
export interface WorkloadFile {
  readonly h: KubeHarness;
  readonly workload: DeploymentWorkload;
}

/** Call at the top level of a test file: starts the emulator before its tests and stops it after them. */
export function deploymentWorkloadForFile(): WorkloadFile {
  const file = {} as { h: KubeHarness; workload: DeploymentWorkload };
  beforeAll(async () => {
    file.h = await startKube();
    file.workload = new DeploymentWorkload({ kube: file.h.kube });
  });
  afterAll(async () => {
    await file.h.stop();
  });
  return file;
}
