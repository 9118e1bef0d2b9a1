/**
 * Query templates render as Flagger's Go text/template call renders them: model functions, variables,
 * trimming, `$var := printf …`, `index`; everything else is an error naming the action.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_QUERIES } from '../../shared/metrics/builtin-queries.ts';
import { renderQuery } from '../../shared/metrics/render.ts';
import type { MetricTemplateModel } from '../../shared/metrics/types.ts';

const MODEL: MetricTemplateModel = {
  name: 'podinfo',
  namespace: 'test',
  target: 'podinfo-app',
  service: 'podinfo-svc',
  ingress: 'podinfo-ing',
  route: 'podinfo-route',
  interval: '2m',
  variables: { direction: 'inbound', 'with-dash': 'x' },
};

describe('renderQuery', () => {
  it.each<[string, string]>([
    ['{{ name }}/{{ namespace }}/{{ target }}/{{ service }}/{{ ingress }}/{{ route }}/{{ interval }}', 'podinfo/test/podinfo-app/podinfo-svc/podinfo-ing/podinfo-route/2m'],
    ['{{name}}', 'podinfo'],
    ['dir="{{ variables.direction }}"', 'dir="inbound"'],
    ['{{ index variables "with-dash" }}', 'x'],
    ['a {{- " b " -}} c', 'a b c'],
    ['a\n  {{- name }}', 'apodinfo'],
    ['{{ name -}}\n  x', 'podinfox'],
    ['{{/* a comment */}}q', 'q'],
    ['{{- $r := printf "kube_%s__%s" namespace ingress }}route=~"{{ $r }}"', 'route=~"kube_test__podinfo-ing"'],
    ['{{ printf "%q" name }}', '"podinfo"'],
    ['{{ `raw {{ x }}` }}', 'raw {{ x }}'],
    ['no actions at all', 'no actions at all'],
  ])('renders %j', (template, expected) => {
    expect(renderQuery(template, MODEL)).toBe(expected);
  });

  it.each<[string, string]>([
    ['{{ variables.missing }}', 'map has no entry for key "missing" (templateVariables.missing is not set)'],
    ['{{ index variables "nope" }}', 'map has no entry for key "nope"'],
    ['{{ .name }}', '".name" reads the template\'s data, which Flagger leaves empty; write {{ name }}'],
    ['{{ canary }}', 'function "canary" not defined'],
    ['{{ $x }}', 'undefined variable "$x"'],
    ['{{ name | upper }}', 'unsupported syntax at "| upper"'],
    ['{{ variables }}', 'prints a map; use {{ variables.<key> }}'],
    ['{{ name', 'unclosed action'],
  ])('refuses %j naming what is wrong', (template, message) => {
    expect(() => renderQuery(template, MODEL)).toThrow(message);
  });

  it('renders every builtin template of every observer without error', () => {
    for (const [observer, queries] of Object.entries(BUILTIN_QUERIES)) {
      for (const template of Object.values(queries)) {
        const rendered = renderQuery(template, MODEL);
        expect(rendered, observer).not.toContain('{{');
        expect(rendered, observer).toContain('[2m]');
      }
    }
  });

  it('renders Skipper\'s route pattern as Flagger does', () => {
    const rendered = renderQuery(BUILTIN_QUERIES.skipper['request-success-rate'], { ...MODEL, namespace: 'test', ingress: 'podinfo_ing', service: 'podinfo_svc' });
    expect(rendered.startsWith('\n\tsum(rate(skipper_response_duration_seconds_bucket{route=~"kube(ew)?_test__podinfo_ing_canary__.*__podinfo_svc_canary(_[0-9]+)?",code!~"5..",le="+Inf"}[2m]))')).toBe(true);
  });
});
