/** `spec.world.gatewayApi` of a Scenario: how the emulated Gateway API controller accepts routes. */
import { describe, expect, it } from 'vitest';
import { formatIssue, parseScenario } from '../../../sim/scenario/parse.ts';
import { DEPLOYMENT, canary, file, scenario } from './fixtures.ts';

const parse = (world: string) => parseScenario(file(DEPLOYMENT, canary(), scenario(`  world:\n${world}`)), 'scenario.yaml');

describe('spec.world.gatewayApi', () => {
  it('reads acceptAfterTicks, 0 when left out, and nothing when the section is absent', () => {
    const slow = parse('    gatewayApi: {acceptAfterTicks: 2}');
    const fast = parse('    gatewayApi: {}');
    const none = parse('    images: {}');
    expect(slow.ok && slow.file.scenario.world.gatewayApi).toEqual({ acceptAfterTicks: 2 });
    expect(fast.ok && fast.file.scenario.world.gatewayApi).toEqual({ acceptAfterTicks: 0 });
    expect(none.ok && none.file.scenario.world.gatewayApi).toBeUndefined();
  });

  it('names the field of a bad value or an unknown key', () => {
    const bad = parse('    gatewayApi: {acceptAfterTicks: -1, refuse: true}');
    expect(bad.ok ? [] : bad.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^Scenario [\w-]+: spec\.world\.gatewayApi\.refuse: /),
      expect.stringMatching(/^Scenario [\w-]+: spec\.world\.gatewayApi\.acceptAfterTicks: .*-1/),
    ]);
  });
});
