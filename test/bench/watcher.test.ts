/** The watcher bench with a small count, so `npm test` notices when it rots: every canary seen, nothing changed. */
import { describe, expect, it } from 'vitest';
import { measureWatcher, renderWatcher } from './watcher.ts';

describe('watcher bench', () => {
  it('passes 300 canaries at rest across 3 clusters with list calls only and no action', async () => {
    const report = await measureWatcher({ canaries: 300, clusters: 3 });

    expect(report).toMatchObject({ canaries: 300, clusters: 3, actions: 0, storeLists: 3 });
    // Per cluster: Canaries, Deployments, ConfigMaps, Secrets (one page each at this size); no DaemonSets, Services
    // or Knative Services, which no Canary targets.
    expect(report.kubeRequests).toBe(12);
    expect(renderWatcher(report)).toMatch(/duration \d+\.\d s \(target ≤ 15 s, met\)/);
  }, 60_000);
});
