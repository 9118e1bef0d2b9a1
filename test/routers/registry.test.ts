/**
 * The router registry (`createRouter`) and `PROVIDER_CAPABILITIES` say the same thing: a provider is marked
 * supported exactly when the factory builds a router for it, so validation (which reads the table) never
 * calls valid a Canary the controller cannot run, nor refuses one it can.
 */
import { describe, expect, it } from 'vitest';
import { PROVIDER_CAPABILITIES, capabilitiesOf, type ProviderName } from '../../shared/api/providers.ts';
import { CANARY_PROVIDERS } from '../../shared/api/types.ts';
import type { KubeClient } from '../../shared/kube/types.ts';
import { PROVIDER_NAMES, RetiredProviderError, SUPPORTED_PROVIDERS, createRouter, type RouterDeps } from '../../shared/routers/index.ts';

// The routers only keep their dependencies when built; nothing here talks to a cluster.
const deps: RouterDeps = { kube: {} as KubeClient, targetMetadata: async () => Promise.reject(new Error('not read when a router is built')) };
const names = Object.keys(PROVIDER_CAPABILITIES) as ProviderName[];

describe('the router registry and PROVIDER_CAPABILITIES', () => {
  it.each(names)('agree on %s', (name) => {
    const provider = CANARY_PROVIDERS.find((value) => value.split(':')[0] === name) ?? name;
    if (PROVIDER_CAPABILITIES[name].supported) {
      expect(createRouter(provider, deps).provider.split(':', 1)[0]).toBe(name);
    } else {
      // Every Flagger provider has a router now; the only ones refused are retired on purpose, saying why.
      expect(capabilitiesOf(name)?.retired, `${name} is refused without a reason`).toEqual(expect.any(String));
      expect(() => createRouter(provider, deps)).toThrow(RetiredProviderError);
    }
  });

  it('know the same provider names, and every Flagger provider value', () => {
    expect([...PROVIDER_NAMES].sort()).toEqual([...names].sort());
    for (const value of CANARY_PROVIDERS) expect(names).toContain(value.split(':')[0]);
    expect(SUPPORTED_PROVIDERS).toEqual(names.filter((name) => PROVIDER_CAPABILITIES[name].supported));
  });
});
