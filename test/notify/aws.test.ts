/**
 * SNS and EventBridge with the real AWS SDK clients against local endpoints that answer the documented wire
 * protocols: the exact request (path, headers, body, SigV4 scope) and the results of refusals.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher, SnsNotifier, createNotifications, type Alert, type PhaseChange } from '../../shared/notify/index.ts';
import { TEST_CREDENTIALS, formOf, sigv4Pattern, sigv4Problem, startFakeEventBridge, startFakeSns, type FakeEventBridge, type FakeSns } from './aws-fakes.ts';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:fledge-alerts';
let sns: FakeSns;
let events: FakeEventBridge;
let snsClient: SNSClient;
let eventsClient: EventBridgeClient;

beforeAll(async () => {
  [sns, events] = await Promise.all([startFakeSns(), startFakeEventBridge()]);
  snsClient = new SNSClient({ region: 'eu-west-1', endpoint: sns.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  eventsClient = new EventBridgeClient({ region: 'eu-west-1', endpoint: events.url, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  snsClient.destroy();
  eventsClient.destroy();
  await Promise.all([sns.close(), events.close()]);
});
beforeEach(() => {
  sns.requests.length = 0;
  sns.published.length = 0;
  events.requests.length = 0;
  events.events.length = 0;
});

const ALERT: Alert = {
  canary: { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' },
  severity: 'error',
  message: 'Canary analysis failed, rolled back.',
  fields: [
    { name: 'Cluster', value: 'prod-eu' },
    { name: 'Image before', value: 'ghcr.io/stefanprodan/podinfo:6.0.0' },
  ],
  phase: 'Failed',
  images: { before: 'ghcr.io/stefanprodan/podinfo:6.0.0', after: 'ghcr.io/stefanprodan/podinfo:6.0.1' },
};

describe('SnsNotifier', () => {
  it('publishes one message per alert with filterable attributes and a JSON body', async () => {
    const notifier = new SnsNotifier({ client: snsClient, topicArn: TOPIC, links: [{ title: 'history', url: 'https://fledge.example/{cluster}/{namespace}/{name}' }] });

    expect(await notifier.post(ALERT)).toEqual({ kind: 'sent' });

    expect(sns.requests).toHaveLength(1);
    const request = sns.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers['authorization']).toMatch(sigv4Pattern('sns', 'eu-west-1'));
    expect(await sigv4Problem(request, 'sns', 'eu-west-1')).toBeUndefined();
    expect(request.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(request.body.startsWith('Action=Publish&Version=2010-03-31&')).toBe(true);
    const body = {
      source: 'fledge',
      cluster: 'prod-eu',
      namespace: 'test',
      canary: 'podinfo',
      severity: 'error',
      phase: 'Failed',
      message: 'Canary analysis failed, rolled back.',
      fields: ALERT.fields,
      images: ALERT.images,
      links: [{ title: 'history', url: 'https://fledge.example/prod-eu/test/podinfo' }],
    };
    expect(formOf(request)).toEqual({
      Action: 'Publish',
      Version: '2010-03-31',
      TopicArn: TOPIC,
      Subject: 'Fledge error: podinfo.test',
      Message: JSON.stringify(body),
      'MessageAttributes.entry.1.Name': 'severity',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'error',
      'MessageAttributes.entry.2.Name': 'canary',
      'MessageAttributes.entry.2.Value.DataType': 'String',
      'MessageAttributes.entry.2.Value.StringValue': 'podinfo',
      'MessageAttributes.entry.3.Name': 'namespace',
      'MessageAttributes.entry.3.Value.DataType': 'String',
      'MessageAttributes.entry.3.Value.StringValue': 'test',
      'MessageAttributes.entry.4.Name': 'cluster',
      'MessageAttributes.entry.4.Value.DataType': 'String',
      'MessageAttributes.entry.4.Value.StringValue': 'prod-eu',
      'MessageAttributes.entry.5.Name': 'phase',
      'MessageAttributes.entry.5.Value.DataType': 'String',
      'MessageAttributes.entry.5.Value.StringValue': 'Failed',
    });
    expect(sns.published[0]?.attributes).toEqual({
      severity: { dataType: 'String', value: 'error' },
      canary: { dataType: 'String', value: 'podinfo' },
      namespace: { dataType: 'String', value: 'test' },
      cluster: { dataType: 'String', value: 'prod-eu' },
      phase: { dataType: 'String', value: 'Failed' },
    });
  });

  it('leaves out an attribute without a value, which SNS would refuse', async () => {
    const notifier = new SnsNotifier({ client: snsClient, topicArn: TOPIC });
    const { phase: _phase, images: _images, ...withoutPhase } = ALERT;
    await notifier.post(withoutPhase);
    expect(Object.keys(sns.published[0]?.attributes ?? {})).toEqual(['severity', 'canary', 'namespace', 'cluster']);
    expect(JSON.parse(sns.published[0]?.message ?? '{}')).not.toHaveProperty('phase');
  });

  it('answers a refusal as an error naming the topic and the AWS error code', async () => {
    const notifier = new SnsNotifier({ client: snsClient, topicArn: TOPIC });
    sns.refuse(1, 'Throttling');
    expect(await notifier.post(ALERT)).toEqual({ kind: 'error', error: `SNS Publish to ${TOPIC} failed: Throttling: Rate exceeded` });
  });
});

const CHANGE: PhaseChange = {
  canary: { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' },
  phaseBefore: 'Progressing',
  phaseAfter: 'Promoting',
  weightsBefore: { primary: 50, canary: 50 },
  weightsAfter: { primary: 50, canary: 50 },
  revision: '7d9f8c6b5',
  images: { before: 'podinfo:6.0.0', after: 'podinfo:6.0.1' },
  message: 'promotion started',
  time: '2026-01-01T00:07:00Z',
};

describe('EventBridgePublisher', () => {
  it('puts a Canary Phase Change event on the configured bus', async () => {
    const publisher = new EventBridgePublisher({ client: eventsClient, eventBusName: 'deployments' });

    expect(await publisher.phaseChanged(CHANGE)).toEqual({ kind: 'sent' });

    const request = events.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/');
    expect(request.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request.headers['authorization']).toMatch(sigv4Pattern('events', 'eu-west-1'));
    expect(await sigv4Problem(request, 'events', 'eu-west-1')).toBeUndefined();
    expect(await sigv4Problem({ ...request, body: request.body.replace('Promoting', 'Succeeded') }, 'events', 'eu-west-1')).toBe('x-amz-content-sha256 does not match the body');
    expect(await sigv4Problem({ ...request, headers: { ...request.headers, 'x-amz-target': 'AWSEvents.PutRule' } }, 'events', 'eu-west-1')).toMatch(/^signature mismatch/);
    expect(JSON.parse(request.body)).toEqual({
      Entries: [
        {
          Source: 'fledge',
          DetailType: 'Canary Phase Change',
          EventBusName: 'deployments',
          Time: Date.parse('2026-01-01T00:07:00Z') / 1000,
          Detail: JSON.stringify({
            cluster: 'prod-eu',
            namespace: 'test',
            canary: 'podinfo',
            phaseBefore: 'Progressing',
            phaseAfter: 'Promoting',
            weightsBefore: { primary: 50, canary: 50, mirrored: false },
            weightsAfter: { primary: 50, canary: 50, mirrored: false },
            revision: '7d9f8c6b5',
            images: { before: 'podinfo:6.0.0', after: 'podinfo:6.0.1' },
            message: 'promotion started',
          }),
        },
      ],
    });
  });

  it('puts a Canary Alert event on the default bus when none is configured', async () => {
    const publisher = new EventBridgePublisher({ client: eventsClient, now: () => new Date('2026-01-01T00:08:00Z') });

    await publisher.post(ALERT);

    const [entry] = (JSON.parse(events.requests[0]!.body) as { Entries: Record<string, unknown>[] }).Entries;
    expect(entry).not.toHaveProperty('EventBusName');
    expect(entry).toMatchObject({ Source: 'fledge', DetailType: 'Canary Alert', Time: Date.parse('2026-01-01T00:08:00Z') / 1000 });
    expect(JSON.parse(String(entry?.['Detail']))).toEqual({
      cluster: 'prod-eu',
      namespace: 'test',
      canary: 'podinfo',
      severity: 'error',
      phase: 'Failed',
      message: 'Canary analysis failed, rolled back.',
      fields: ALERT.fields,
      images: ALERT.images,
    });
  });

  it('builds a lazily given client once, on first use', async () => {
    let built = 0;
    const publisher = new EventBridgePublisher({ client: async () => (built++, eventsClient) });
    expect(built).toBe(0);
    await publisher.phaseChanged(CHANGE);
    await publisher.post(ALERT);
    expect(built).toBe(1);
    expect(events.events).toHaveLength(2);
  });

  it('answers a failed entry and a refused call as errors', async () => {
    const publisher = new EventBridgePublisher({ client: eventsClient });
    events.failEntries(1);
    expect(await publisher.phaseChanged(CHANGE)).toEqual({ kind: 'error', error: 'EventBridge PutEvents refused the Canary Phase Change event: InternalFailure: entry failed' });
    events.refuse(1);
    expect(await publisher.phaseChanged(CHANGE)).toEqual({ kind: 'error', error: 'EventBridge PutEvents failed: InternalException: try again' });
    expect(events.events).toHaveLength(0);
  });
});

describe('createNotifications', () => {
  it('sends every alert to SNS and EventBridge and phase changes to EventBridge', async () => {
    const notifications = createNotifications({ cluster: 'prod-eu', topicArn: TOPIC, eventBusName: 'deployments', snsClient, eventBridgeClient: eventsClient });

    await notifications.send(undefined, { ...ALERT, fields: [] });
    await notifications.phaseChanged(CHANGE);

    expect(sns.published.map((m) => m.topicArn)).toEqual([TOPIC]);
    expect(JSON.parse(sns.published[0]?.message ?? '{}')).toMatchObject({ fields: [{ name: 'Cluster', value: 'prod-eu' }, { name: 'Image before' }, { name: 'Image after' }] });
    expect(events.events.map((e) => [e.DetailType, e.EventBusName])).toEqual([
      ['Canary Alert', 'deployments'],
      ['Canary Phase Change', 'deployments'],
    ]);
  });

  it('has no SNS channel without a topic, and no EventBridge when turned off', async () => {
    const notifications = createNotifications({ cluster: 'prod-eu', eventBridge: false, snsClient, eventBridgeClient: eventsClient });

    await notifications.send(undefined, ALERT);
    await notifications.phaseChanged(CHANGE);

    expect(sns.requests).toHaveLength(0);
    expect(events.requests).toHaveLength(0);
  });
});
