/**
 * Which builtin query family an observer gets, as Flagger's observer factory picks it: exact names, prefixes for
 * appmesh/gloo/gatewayapi, Istio for anything else (Flagger's `<provider>:service` included), and alb for Fledge.
 */
import { describe, expect, it } from 'vitest';
import { observerPlan, prometheusObserverFor } from '../../shared/metrics/observers.ts';
import type { MetricTemplateModel } from '../../shared/metrics/types.ts';

const MODEL: MetricTemplateModel = { name: 'my.app', namespace: 'team-a', target: 'my-app', service: 'my-app', ingress: 'my-app.ing', interval: '1m', variables: {} };

describe('observer families', () => {
  it.each([
    ['istio', 'istio'],
    ['linkerd', 'linkerd'],
    ['kubernetes', 'http'],
    ['gatewayapi:v1', 'http'],
    ['gatewayapi:v1beta1', 'http'],
    ['appmesh:v1beta2', 'appmesh'],
    ['gloo', 'gloo'],
    ['nginx', 'nginx'],
    ['smi:v1alpha3', 'istio'],
    ['kubernetes:service', 'istio'],
    ['linkerd:service', 'istio'],
    ['gatewayapi:v1:service', 'http'],
  ])('%s reads the %s queries', (observer, family) => {
    expect(prometheusObserverFor(observer)).toBe(family);
  });

  it('answers alb (also for a Service target) from CloudWatch', () => {
    expect(observerPlan('alb', 'request-duration', MODEL)).toEqual({ kind: 'alb' });
    expect(observerPlan('alb:service', 'request-success-rate', MODEL)).toEqual({ kind: 'alb' });
  });

  it('scales only the app-level duration from seconds, and encodes Skipper names', () => {
    expect(observerPlan('kubernetes', 'request-duration', MODEL)).toMatchObject({ observer: 'http', toMilliseconds: 1000 });
    expect(observerPlan('kubernetes', 'request-success-rate', MODEL)).toMatchObject({ toMilliseconds: 1 });
    expect(observerPlan('traefik', 'request-duration', MODEL)).toMatchObject({ toMilliseconds: 1 });
    expect(observerPlan('skipper', 'request-duration', MODEL)).toMatchObject({ model: { ...MODEL, name: 'my_app', namespace: 'team_a', target: 'my_app', service: 'my_app', ingress: 'my_app_ing' } });
  });
});
