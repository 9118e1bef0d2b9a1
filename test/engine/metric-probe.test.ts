/**
 * Flagger's availability probe of the metric providers while a canary initializes: each metric's provider is
 * asked (a `probe` metric need), an unavailable one is reported as "Error checking metric providers: …", and the
 * initialization goes on either way.
 */
import { describe, expect, it } from 'vitest';
import { canary, facts, state, tick, workload } from './fixtures.ts';

const ERRORS = { name: 'error-rate', templateRef: { name: 'error-rate' }, thresholdRange: { max: 1 }, interval: '1m' };

describe('metric provider probe at initialization', () => {
  it('asks every metric\'s provider once per initializing step, with probe requests', () => {
    const d = tick(canary({ metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 } }, ERRORS] }), undefined, facts({ primary: workload({ exists: false }) }));
    const probes = d.asked.flat().filter((need) => need.type === 'metric');
    expect(probes.map((need) => need.type === 'metric' && [need.key, need.request.probe])).toEqual([
      ['probe/0/request-success-rate', true],
      ['probe/1/error-rate', true],
    ]);
    expect(d.messages.filter((m) => m.startsWith('Error checking'))).toEqual([]);
  });

  it('reports unavailable providers and still initializes', () => {
    const d = tick(canary({ metrics: [ERRORS] }), state('Initializing'), facts(), { metrics: { 'error-rate': { kind: 'error', error: 'MetricTemplate test/error-rate not found' } } });
    expect(d.messages).toContain('Error checking metric providers: error-rate: MetricTemplate test/error-rate not found');
    expect(d.next.phase).toBe('Initialized');
  });

  it('does not probe when the analysis is skipped or has no metrics', () => {
    for (const c of [canary({ metrics: [ERRORS] }, { skipAnalysis: true }), canary({ metrics: [] })]) {
      const d = tick(c, undefined, facts({ primary: workload({ exists: false }) }));
      expect(d.asked.flat().filter((need) => need.type === 'metric')).toEqual([]);
    }
  });

  it('does not probe outside initialization', () => {
    const d = tick(canary({ metrics: [ERRORS] }), state('Initialized'), facts());
    expect(d.asked.flat().filter((need) => need.type === 'metric' && need.request.probe === true)).toEqual([]);
  });
});
