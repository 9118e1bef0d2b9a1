import { describe, expect, it } from 'vitest';
import { obtainNeeds } from '../../shared/controller/index.ts';
import type { Facts, Need } from '../../shared/engine/types.ts';
import type { HookType, WebhookCall } from '../../shared/hooks/index.ts';
import type { MetricCheckRequest } from '../../shared/metrics/index.ts';

const FACTS: Facts = {
  target: { exists: true, readiness: { kind: 'ready' }, replicas: 1, availableReplicas: 1, templateHash: 'abc' },
  primary: { exists: true, readiness: { kind: 'ready' }, replicas: 1, availableReplicas: 1 },
  trackedConfigs: {},
  routes: { ok: true, primary: 100, canary: 0, mirrored: false, matched: null },
};

function hook(name: string, type: HookType): Need {
  const call: WebhookCall = { name, type, url: 'http://hooks/', timeout: '10s', payload: { name: 'podinfo', namespace: 'test', phase: 'Progressing', checksum: 'c' } };
  return { type: 'hook', key: `hook/${name}`, call };
}

function metric(name: string): Need {
  const request: MetricCheckRequest = {
    name,
    source: 'builtin',
    metric: { name, interval: '1m' },
    model: { name: 'podinfo', namespace: 'test', target: 'podinfo', service: 'podinfo', ingress: 'podinfo', interval: '1m', variables: {} },
  };
  return { type: 'metric', key: `metric/${name}`, request };
}

describe('obtainNeeds', () => {
  it('calls webhooks one after the other, in the order asked, and keeps the facts already known', async () => {
    const calls: string[] = [];
    let inFlight = 0;
    const hooks = {
      call: async (c: WebhookCall) => {
        inFlight++;
        expect(inFlight).toBe(1);
        calls.push(c.name);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { kind: 'passed' as const, detail: '' };
      },
    };
    const metrics = { check: async () => ({ result: { kind: 'value' as const, value: 1 } }) };

    const facts = await obtainNeeds({ hooks, metrics }, { ...FACTS, hooks: { 'hook/old': { kind: 'failed', detail: 'x' } } }, [hook('a', 'pre-rollout'), hook('b', 'rollout')]);

    expect(calls).toEqual(['a', 'b']);
    expect(Object.keys(facts.hooks ?? {})).toEqual(['hook/old', 'hook/a', 'hook/b']);
  });

  it.each([
    { type: 'confirm-promotion' as const, kind: 'pending' },
    { type: 'pre-rollout' as const, kind: 'failed' },
  ])('never lets a throwing $type hook pass (it is $kind)', async ({ type, kind }) => {
    const hooks = { call: async () => Promise.reject(new Error('socket hang up')) };
    const metrics = { check: async () => ({ result: { kind: 'value' as const, value: 1 } }) };

    const facts = await obtainNeeds({ hooks, metrics }, FACTS, [hook('gate', type)]);

    expect(facts.hooks?.['hook/gate']).toEqual({ kind, detail: 'socket hang up' });
  });

  it('runs metric checks in parallel and turns a thrown check into an error result', async () => {
    let started = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const metrics = {
      check: async (request: MetricCheckRequest) => {
        started++;
        if (started === 2) release();
        await gate;
        if (request.name === 'bad') throw new Error('provider down');
        return { result: { kind: 'value' as const, value: 99 } };
      },
    };
    const hooks = { call: async () => ({ kind: 'passed' as const, detail: '' }) };

    const facts = await obtainNeeds({ hooks, metrics }, FACTS, [metric('good'), metric('bad')]);

    expect(facts.metrics).toEqual({
      'metric/good': { result: { kind: 'value', value: 99 } },
      'metric/bad': { result: { kind: 'error', error: 'provider down' } },
    });
  });
});
