import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, capabilitiesOf, formatIssue, isRecord } from '../../shared/api/index.ts';
import { classifyDocument, parseManifestText } from '../../shared/manifests/index.ts';
import { createAjv } from '../../shared/api/ajv.ts';
import { corpusFiles, FLAGGER_DIR, readYamlDocuments, referenceSchemas } from './helpers.ts';

function read(kind: 'valid' | 'invalid', file: string) {
  const { documents, problems } = parseManifestText(readFileSync(join(FLAGGER_DIR, kind, file), 'utf8'), file);
  return { documents: documents.map(classifyDocument), problems };
}

const FLAGGER_KINDS = ['Canary', 'MetricTemplate', 'AlertProvider'];
const isFlagger = (doc: unknown) =>
  typeof doc === 'object' && doc !== null && FLAGGER_KINDS.includes(String((doc as { kind?: unknown }).kind));

describe('the documentation corpus', () => {
  it('has the 45 valid and 19 invalid files the reference describes', () => {
    expect([corpusFiles('valid').length, corpusFiles('invalid').length]).toEqual([45, 19]);
  });

  it.each(corpusFiles('valid'))('accepts every Flagger object of valid/%s', (file) => {
    const { documents, problems } = read('valid', file);
    const flagger = documents.filter((doc) => doc.flagger);
    expect(problems).toEqual([]);
    expect(flagger.length).toBeGreaterThan(0);
    for (const doc of flagger) expect(doc.flagger?.ok === false ? doc.flagger.errors.map(formatIssue) : []).toEqual([]);
  });

  it('has a Canary of every provider it names routed by Fledge, Knative\'s tutorial included', () => {
    const providers = corpusFiles('valid').flatMap((file) =>
      read('valid', file).documents.flatMap((doc) => {
        const spec = doc.kind === 'Canary' && isRecord(doc.value) && isRecord(doc.value.spec) ? doc.value.spec : undefined;
        return spec === undefined ? [] : [typeof spec.provider === 'string' && spec.provider !== '' ? spec.provider : DEFAULTS.provider];
      }),
    );
    expect(providers).toContain('knative');
    for (const provider of providers) expect(capabilitiesOf(provider)?.supported, provider).toBe(true);
  });

  // The first error each invalid file must produce; all errors carry a field path.
  const INVALID: Record<string, string> = {
    'alerting-01.yaml': 'spec: must set only one of address, secretRef (found address and secretRef)',
    'faq-01.yaml': 'spec.analysis: required; set interval, threshold and one of iterations, stepWeight or stepWeights',
    'faq-02.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
    'faq-03.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
    'faq-04.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
    'faq-06.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
    'faq-07.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'faq-08.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'gatewayapi-progressive-delivery-06.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'gatewayapi-progressive-delivery-07.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'gatewayapi-progressive-delivery-08.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'gatewayapi-progressive-delivery-09.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'gatewayapi-progressive-delivery-10.yaml': 'spec.service.port: required; set the port of the Services Flagger generates for the target, e.g. 80',
    'istio-progressive-delivery-03.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
    'istio-progressive-delivery-04.yaml': 'spec.analysis: required; set interval, threshold and one of iterations, stepWeight or stepWeights',
    'metrics-01.yaml': 'spec.provider.type: required; set prometheus, influxdb, datadog, externalmetrics, stackdriver, cloudwatch, newrelic, graphite, dynatrace, keptn or splunk',
    'metrics-05.yaml': 'spec.query: required; set the query to run, which can use {{ namespace }}, {{ target }} and {{ interval }}',
    'metrics-10.yaml': 'spec.query: required; set the query to run, which can use {{ namespace }}, {{ target }} and {{ interval }}',
    'zero-downtime-deployments-01.yaml': 'spec.targetRef: required; set the Deployment, DaemonSet or Service to release',
  };

  it('has an expectation for every invalid file', () => {
    expect(Object.keys(INVALID).sort()).toEqual(corpusFiles('invalid'));
  });

  it.each(corpusFiles('invalid'))('rejects invalid/%s with field-path errors', (file) => {
    const flagger = read('invalid', file).documents.filter((doc) => doc.flagger);
    const errors = flagger.flatMap((doc) => (doc.flagger?.ok === false ? doc.flagger.errors : []));
    expect(errors.map(formatIssue)).toContain(INVALID[file]);
    expect(errors.every((issue) => issue.path !== '')).toBe(true);
  });
});

describe("Flagger's own CRD schema (sanity check of the corpus)", () => {
  const ajv = createAjv({ strict: false });
  const validators = Object.fromEntries(
    Object.entries(referenceSchemas()).map(([kind, schema]) => [kind, ajv.compile(schema)]),
  );
  const verdicts = (kind: 'valid' | 'invalid', file: string) =>
    readYamlDocuments(join(FLAGGER_DIR, kind, file))
      .filter(isFlagger)
      .map((doc) => validators[(doc as { kind: string }).kind]?.(doc));

  it.each(corpusFiles('valid'))('accepts valid/%s', (file) => {
    expect(verdicts('valid', file).every(Boolean)).toBe(true);
  });

  it.each(corpusFiles('invalid'))('rejects invalid/%s', (file) => {
    expect(verdicts('invalid', file).some((ok) => !ok)).toBe(true);
  });
});
