import { describe, expect, it } from 'vitest';
import { formatDuration, formatPath, parseDuration, parseFledgeOptions, pointerToTokens } from '../../shared/api/index.ts';

describe('parseDuration reads Go durations', () => {
  it.each([
    ['30s', 30_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['0', 0],
    ['2h45m', 9_900_000],
  ])('%s → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5min', 'm', '1m 30s', 'soon'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([
    [600_000, '10m'],
    [90_000, '1m30s'],
    [3_600_000, '1h'],
    [10_000, '10s'],
  ])('formats %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('field paths', () => {
  it('turns an ajv pointer into a dotted path with indexes', () => {
    const data = { spec: { analysis: { webhooks: [{}, {}, { timeout: 5 }] } } };
    expect(formatPath(pointerToTokens('/spec/analysis/webhooks/2/timeout', data))).toBe('spec.analysis.webhooks[2].timeout');
  });

  it('quotes map keys that are not plain names', () => {
    const data = { metadata: { annotations: { 'fledge.dev/promotion-failure': 'x' } } };
    expect(formatPath(pointerToTokens('/metadata/annotations/fledge.dev~1promotion-failure', data))).toBe(
      'metadata.annotations["fledge.dev/promotion-failure"]',
    );
  });

  it('keeps numeric map keys as keys, not indexes', () => {
    const data = { spec: { service: { apex: { annotations: { '9898': 'x' } } } } };
    expect(formatPath(pointerToTokens('/spec/service/apex/annotations/9898', data))).toBe('spec.service.apex.annotations["9898"]');
  });
});

describe('fledge.dev annotations', () => {
  it('defaults promotion-failure to restore', () => {
    expect(parseFledgeOptions({}).options).toEqual({ promotionFailure: 'restore' });
  });

  it.each(['restore', 'hold'])('reads promotion-failure %s', (value) => {
    const result = parseFledgeOptions({ annotations: { 'fledge.dev/promotion-failure': value, 'kuma.io/mesh': 'default' } });
    expect([result.options.promotionFailure, result.errors, result.warnings]).toEqual([value, [], []]);
  });

  it('names the annotation and the value in its error', () => {
    const result = parseFledgeOptions({ annotations: { 'fledge.dev/promotion-failure': 'Restore' } });
    expect(result.errors).toEqual([
      { path: 'metadata.annotations["fledge.dev/promotion-failure"]', message: 'must be one of restore, hold; got "Restore"' },
    ]);
  });
});
