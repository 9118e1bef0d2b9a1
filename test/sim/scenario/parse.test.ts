import { describe, expect, it } from 'vitest';
import { formatIssue, parseScenario } from '../../../sim/scenario/parse.ts';
import type { ScenarioFile } from '../../../sim/scenario/types.ts';
import { DEPLOYMENT, canary, file, scenario } from './fixtures.ts';
import { REFUSED_PROVIDER, refusalMessage } from '../../routers/refused.ts';

function messages(text: string): string[] {
  const result = parseScenario(text, 'scenario.yaml');
  if (result.ok) throw new Error('expected the FILE to be invalid');
  return result.issues.map(formatIssue);
}

function parsed(text: string): ScenarioFile {
  const result = parseScenario(text, 'scenario.yaml');
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.file;
}

describe('parseScenario', () => {
  it('collects Kubernetes objects, the Canary and the Scenario with its defaults', () => {
    const result = parsed(file(DEPLOYMENT, canary(), scenario('  timeline: []')));

    expect(result.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'Deployment/test/podinfo',
      'Canary/test/podinfo',
    ]);
    expect(result.canary.metadata.name).toBe('podinfo');
    expect(result.scenario).toEqual({
      name: 'test-scenario',
      maxTicks: 100,
      minTicks: 1,
      timeline: [],
      world: { images: {}, primary: { neverReadyAfterPromotion: false }, metrics: {}, webhooks: {} },
    });
  });

  it('puts namespaced objects without a namespace in default and leaves cluster-scoped ones alone', () => {
    const result = parsed(
      file(
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: config}\ndata: {a: b}',
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: test}',
        DEPLOYMENT,
        canary(),
        scenario('  maxTicks: 5'),
      ),
    );

    expect(result.objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['Namespace', undefined],
      ['ConfigMap', 'default'],
      ['Deployment', 'test'],
      ['Canary', 'test'],
    ]);
  });

  it('sorts the timeline by tick, keeping file order within a tick, and resolves namespaces and containers', () => {
    const result = parsed(
      file(
        DEPLOYMENT,
        canary(),
        scenario(`  timeline:
    - {tick: 3, run: promote}
    - {tick: 2, setImage: {target: podinfo, image: podinfo:2}}
    - {tick: 2, patch: {apiVersion: v1, kind: ConfigMap, name: cfg, mergePatch: {data: {color: blue}}}}
    - {tick: 4, delete: {apiVersion: flagger.app/v1beta1, kind: Canary, name: podinfo}}
    - {tick: 4, apply: {apiVersion: v1, kind: ConfigMap, metadata: {name: other}, data: {}}}`),
      ),
    );

    expect(result.scenario.timeline).toEqual([
      { tick: 2, index: 1, action: { type: 'setImage', target: 'podinfo', namespace: 'test', container: 'podinfod', image: 'podinfo:2' } },
      {
        tick: 2,
        index: 2,
        action: { type: 'patch', object: { apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', namespace: 'test' }, mergePatch: { data: { color: 'blue' } } },
      },
      { tick: 3, index: 0, action: { type: 'run', control: 'promote' } },
      { tick: 4, index: 3, action: { type: 'delete', object: { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'podinfo', namespace: 'test' } } },
      {
        tick: 4,
        index: 4,
        action: { type: 'apply', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'test' }, data: {} } },
      },
    ]);
  });

  it('applies image defaults and keeps scripted answers in order, a single answer as a list of one', () => {
    const result = parsed(
      file(
        DEPLOYMENT,
        canary(),
        scenario(`  world:
    images:
      podinfo:bad: {neverReady: true}
      podinfo:slow: {readyAfterTicks: 2, errorRate: 0.25, latencyMs: 400, crashLoop: true}
    primary: {neverReadyAfterPromotion: true}
    metrics:
      request-duration: [120, nodata, error]
      error-rate: 0.5
    webhooks:
      gate: [fail, 503, pass]`),
      ),
    );

    expect(result.scenario.world).toEqual({
      images: {
        'podinfo:bad': { readyAfterTicks: 0, errorRate: 0, latencyMs: 50, neverReady: true, crashLoop: false },
        'podinfo:slow': { readyAfterTicks: 2, errorRate: 0.25, latencyMs: 400, neverReady: false, crashLoop: true },
      },
      primary: { neverReadyAfterPromotion: true },
      metrics: { 'request-duration': [120, 'nodata', 'error'], 'error-rate': [0.5] },
      webhooks: { gate: ['fail', 503, 'pass'] },
    });
  });

  it.each([
    {
      name: 'a wrong type names the field and the value received',
      spec: '  maxTicks: ten',
      expected: ['Scenario test-scenario: spec.maxTicks: expected an integer, got "ten"'],
    },
    {
      name: 'maxTicks above the documented ceiling is an error, not an hour-long run',
      spec: '  maxTicks: 1000000',
      expected: ['Scenario test-scenario: spec.maxTicks: must be between 1 and 10080; got 1000000'],
    },
    {
      name: 'field readers word types, rules and missing fields as the Canary validation does',
      spec: '  minTicks: 0\n  world:\n    primary: {neverReadyAfterPromotion: yes}\n    images: {x: [1]}\n  timeline:\n    - {tick: 1, setImage: {target: "", image: 7}}\n    - {tick: 2, patch: {apiVersion: v1, kind: ConfigMap, name: cfg}}\n    - {run: abort}',
      expected: [
        'Scenario test-scenario: spec.minTicks: must be between 1 and 100; got 0',
        'Scenario test-scenario: spec.timeline[0].setImage.target: must not be empty; got ""',
        'Scenario test-scenario: spec.timeline[0].setImage.image: expected a string, got 7',
        'Scenario test-scenario: spec.timeline[1].patch.mergePatch: required',
        'Scenario test-scenario: spec.timeline[2].tick: required',
        'Scenario test-scenario: spec.world.images["x"]: expected an object, got [1]',
        'Scenario test-scenario: spec.world.primary.neverReadyAfterPromotion: expected a boolean, got "yes"',
      ],
    },
    {
      name: 'an unknown field is reported with the known ones',
      spec: '  maxTick: 5',
      expected: ['Scenario test-scenario: spec.maxTick: is not a field of this kind; known: maxTicks, minTicks, timeline, world'],
    },
    {
      name: 'a timeline entry needs exactly one action',
      spec: '  timeline:\n    - {tick: 1, run: abort, setImage: {target: podinfo, image: x}}\n    - {tick: 2}',
      expected: [
        'Scenario test-scenario: spec.timeline[0]: must have exactly one of setImage, patch, run, apply, delete; got ["setImage","run"]',
        'Scenario test-scenario: spec.timeline[1]: must have exactly one of setImage, patch, run, apply, delete; got []',
      ],
    },
    {
      name: 'a runtime control must be one the CLI knows',
      spec: '  timeline:\n    - {tick: 1, run: promot}',
      expected: ['Scenario test-scenario: spec.timeline[0].run: must be one of promote, abort, pause, resume, retry; got "promot"'],
    },
    {
      name: 'a tick after maxTicks never runs',
      spec: '  maxTicks: 3\n  timeline:\n    - {tick: 4, run: abort}',
      expected: ['Scenario test-scenario: spec.timeline[0].tick: must be at most spec.maxTicks (3), or it never runs; got 4'],
    },
    {
      name: 'setImage names a container of the target',
      spec: '  timeline:\n    - {tick: 1, setImage: {target: podinfo, container: app, image: x}}',
      expected: [
        'Scenario test-scenario: spec.timeline[0].setImage.container: must be one of the containers of Deployment podinfo (podinfod); got "app"',
      ],
    },
    {
      name: 'world answers are checked one by one',
      spec: '  world:\n    metrics: {request-duration: [1, nothing]}\n    webhooks: {gate: [700]}\n    images: {x: {errorRate: 2}}',
      expected: [
        'Scenario test-scenario: spec.world.images["x"].errorRate: must be between 0 and 1; got 2',
        'Scenario test-scenario: spec.world.metrics.request-duration[1]: must be a number, nodata or error; got "nothing"',
        'Scenario test-scenario: spec.world.webhooks.gate[0]: must be pass, fail or an HTTP status code (100-599); got 700',
      ],
    },
  ])('$name', ({ spec, expected }) => {
    expect(messages(file(DEPLOYMENT, canary(), scenario(spec)))).toEqual(expected);
  });

  it('rejects a metric that is neither builtin nor scripted, naming the Canary field', () => {
    const metrics = `    metrics:
      - {name: request-success-rate, thresholdRange: {min: 99}}
      - {name: error-rate, templateRef: {name: error-rate}, thresholdRange: {max: 1}}`;

    expect(messages(file(DEPLOYMENT, canary(metrics), scenario('  maxTicks: 5')))).toEqual([
      'Canary podinfo: spec.analysis.metrics[1].name: metric "error-rate" is not builtin (request-success-rate, request-duration), so the Scenario must list its answers under spec.world.metrics',
    ]);
    expect(parsed(file(DEPLOYMENT, canary(metrics), scenario('  world: {metrics: {error-rate: [0.5]}}'))).canary.metadata.name).toBe('podinfo');
  });

  it('requires exactly one Scenario and exactly one Canary', () => {
    expect(messages(file(DEPLOYMENT))).toEqual([
      'scenario.yaml: expected exactly one Scenario (apiVersion fledge.dev/v1alpha1), found none',
      'scenario.yaml: expected exactly one Canary (apiVersion flagger.app/v1beta1), found none',
    ]);
    const second = canary().replace('name: podinfo, namespace: test', 'name: other, namespace: test');
    expect(messages(file(DEPLOYMENT, canary(), second, scenario('  maxTicks: 1')))).toEqual([
      'Canary other: a scenario plays exactly one Canary; Canary podinfo came first',
    ]);
  });

  it('names documents without kind and name by position and line, and reports YAML errors', () => {
    expect(messages(file(DEPLOYMENT, '- just\n- a list', canary(), scenario('  maxTicks: 1')))).toEqual([
      'document 2 (line 17): must be a Kubernetes object (a mapping with apiVersion, kind and metadata); got ["just","a list"]',
    ]);
    expect(messages(file(DEPLOYMENT, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}', canary(), scenario('  maxTicks: 1')))).toEqual([
      'document 2 (line 17): metadata.name: required',
    ]);
    expect(messages(file('a: [1, 2', canary(), scenario('  maxTicks: 1')))[0]).toMatch(/^document 1 \(line 1\): /);
  });

  it('reports an invalid Canary the way the controller does, naming the Canary and the field', () => {
    const lines = messages(file(DEPLOYMENT, canary().replace('iterations: 3', 'stepWeight: ten'), scenario('  maxTicks: 1')));

    expect(lines).toContainEqual(expect.stringMatching(/^Canary podinfo: spec\.analysis\.stepWeight: .*"ten"/));
    expect(lines.every((line) => line.startsWith('Canary podinfo: spec.analysis'))).toBe(true);
  });

  it('rejects a provider Fledge refuses, saying why', () => {
    const provider = REFUSED_PROVIDER;
    expect(messages(file(DEPLOYMENT, canary().replace('provider: kubernetes', `provider: "${provider}"`), scenario('  maxTicks: 1')))).toEqual([
      `Canary podinfo: spec.provider: ${refusalMessage(provider)}`,
    ]);
  });

  it('sets the image of a Knative Service, whose unnamed container Knative calls user-container, and never of a plain Service', () => {
    const ksvc = 'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: podinfo, namespace: test}\nspec:\n  template:\n    spec:\n      containers: [{image: podinfo:1}]';
    const knativeCanary = canary().replace('provider: kubernetes', 'provider: knative').replace(/targetRef: .*/, 'targetRef: {apiVersion: serving.knative.dev/v1, kind: Service, name: podinfo}');
    const result = parsed(file(ksvc, knativeCanary, scenario('  timeline:\n    - {tick: 2, setImage: {target: podinfo, image: podinfo:2}}')));

    expect(result.scenario.timeline).toEqual([{ tick: 2, index: 0, action: { type: 'setImage', target: 'podinfo', namespace: 'test', container: 'user-container', image: 'podinfo:2' } }]);
    expect(messages(file(ksvc, knativeCanary, scenario('  timeline:\n    - {tick: 2, setImage: {target: podinfo, container: podinfod, image: podinfo:2}}')))).toEqual([
      'Scenario test-scenario: spec.timeline[0].setImage.container: must be one of the containers of Service podinfo (user-container); got "podinfod"',
    ]);
    const plain = 'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: test}\nspec:\n  ports: [{port: 80}]';
    expect(messages(file(DEPLOYMENT, plain, canary(), scenario('  timeline:\n    - {tick: 2, setImage: {target: web, image: x}}')))).toEqual([
      'Scenario test-scenario: spec.timeline[0].setImage.container: required; FILE defines no Deployment, DaemonSet or Knative Service web in namespace test to take it from',
    ]);
  });

  it('keeps the validator\'s warnings apart from errors', () => {
    const result = parseScenario(file(DEPLOYMENT, canary('    metrics:\n      - {name: request-duration}'), scenario('  maxTicks: 1')), 'scenario.yaml');

    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => `${w.document}: ${w.path}`)).toEqual(['Canary podinfo: spec.analysis.metrics[0]']);
  });

  it('rejects the same object defined twice', () => {
    expect(messages(file(DEPLOYMENT, DEPLOYMENT, canary(), scenario('  maxTicks: 1')))).toEqual([
      'Deployment podinfo: metadata.name: defined twice in FILE (first in document 1 (line 2))',
    ]);
  });

  it('lets apply replace the played Canary but not add another', () => {
    const other = '{apiVersion: flagger.app/v1beta1, kind: Canary, metadata: {name: other}, spec: {targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}, analysis: {interval: 1m, threshold: 1, iterations: 2}}}';
    expect(messages(file(DEPLOYMENT, canary(), scenario(`  timeline:\n    - {tick: 1, apply: ${other}}`)))).toEqual([
      'Scenario test-scenario: spec.timeline[0].apply.metadata.name: a scenario plays one Canary (podinfo.test); apply may replace it, not add other.test',
    ]);
  });
});
