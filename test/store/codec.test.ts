import { describe, expect, it } from 'vitest';
import { attributeSize, normalizeTime, numberSize } from '../../shared/store/codec.ts';

describe('item measure', () => {
  it.each([
    { value: 0, bytes: 1 },
    { value: 1, bytes: 2 },
    { value: 100, bytes: 2 },
    { value: 12345, bytes: 4 },
    { value: 1_800_000_000, bytes: 2 },
    { value: 1.5, bytes: 3 },
    { value: 0.001, bytes: 2 },
    { value: -1, bytes: 3 },
    { value: -123.456, bytes: 6 },
    { value: 1e21, bytes: 2 },
  ])('counts the number $value as $bytes bytes', ({ value, bytes }) => {
    expect(numberSize(value)).toBe(bytes);
  });

  it('counts names and strings in UTF-8 bytes', () => {
    expect(attributeSize('ü', 'é€😀')).toBe(2 + 2 + 3 + 4);
  });
});

describe('normalizeTime', () => {
  it.each([
    { input: '2026-01-01T00:03:00Z', expected: '2026-01-01T00:03:00.000Z' },
    { input: '2026-01-01T01:03:00.5+01:00', expected: '2026-01-01T00:03:00.500Z' },
    { input: '2026-01-01T00:03Z', expected: '2026-01-01T00:03:00.000Z' },
  ])('writes $input as $expected, which sorts as a string', ({ input, expected }) => {
    expect(normalizeTime('time', input)).toBe(expected);
  });

  it.each(['2026-01-01', '2026-01-01T00:03:00', 'Jan 1 2026 00:00 GMT', '2026-13-01T00:00:00Z', 1767225600])(
    'refuses %j, naming the field and the value',
    (input) => {
      expect(() => normalizeTime('historyItem.time', input)).toThrow(`historyItem.time: expected an ISO 8601 date-time with a zone (e.g. 2026-01-01T00:00:00Z), got ${JSON.stringify(input)}`);
    },
  );
});
