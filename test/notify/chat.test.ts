/**
 * Alerts to Flagger's chat providers through the Notifications fan-out: AlertProviders and Secrets read from the
 * Kubernetes API emulator, messages posted to a local HTTP server (directly or through a CONNECT proxy), asserting
 * the exact request; the severity filter; failed deliveries kept in the outbox and never showing the address.
 */
import { createServer, request, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../shared/api/types.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { Notifications, severityAllows, type Alert, type NotifyLogEntry, type Severity } from '../../shared/notify/index.ts';
import { startRecordingServer, type Answer, type RecordingServer } from '../hooks/recording-server.ts';
import { kubeForFile } from '../kube/harness.ts';

const harness = kubeForFile();
let chat: RecordingServer;
let answers: Answer[] = [];
const logs: NotifyLogEntry[] = [];

beforeAll(async () => {
  chat = await startRecordingServer((_request, index) => answers[index] ?? { status: 200, body: 'ok' });
});
afterAll(async () => chat.close());
afterEach(async () => {
  chat.requests.length = 0;
  answers = [];
  logs.length = 0;
  for (const kind of ['AlertProvider', 'Secret'] as const) {
    const apiVersion = kind === 'Secret' ? 'v1' : 'flagger.app/v1beta1';
    for (const object of await harness.kube.list<KubeObject>(apiVersion, kind, { namespace: 'test' })) {
      await harness.kube.delete({ apiVersion, kind, namespace: 'test', name: String((object['metadata'] as { name: string }).name) });
    }
  }
});

async function provider(name: string, spec: Record<string, unknown>): Promise<void> {
  await harness.kube.create({ apiVersion: 'flagger.app/v1beta1', kind: 'AlertProvider', metadata: { name, namespace: 'test' }, spec });
}

async function secret(name: string, data: Record<string, string>): Promise<void> {
  const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  await harness.kube.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'test' }, data: encoded });
}

function canary(alerts: { name: string; severity?: Severity; provider: string }[]): Canary {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo', namespace: 'test' },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
      analysis: { alerts: alerts.map((a) => ({ name: a.name, ...(a.severity ? { severity: a.severity } : {}), providerRef: { name: a.provider } })) },
    },
  } as Canary;
}

function alert(severity: Severity, message = 'New revision detected, progressing canary analysis.'): Alert {
  return {
    canary: { cluster: 'prod-eu', namespace: 'test', name: 'podinfo' },
    severity,
    message,
    fields: [{ name: 'Target', value: 'Deployment/podinfo.test' }],
    phase: 'Progressing',
    images: { before: 'podinfo:6.0.0', after: 'podinfo:6.0.1' },
  };
}

function notifications(): Notifications {
  return new Notifications({ cluster: 'prod-eu', reader: harness.kube, log: (entry) => logs.push(entry), outbox: { maxAttempts: 3 } });
}

const FIELDS = [
  { name: 'Cluster', value: 'prod-eu' },
  { name: 'Target', value: 'Deployment/podinfo.test' },
  { name: 'Image before', value: 'podinfo:6.0.0' },
  { name: 'Image after', value: 'podinfo:6.0.1' },
];

function slackBody(color: string, message: string, username = 'flagger', channel = 'general') {
  return {
    channel,
    username,
    icon_url: '',
    icon_emoji: ':rocket:',
    attachments: [{ color, author_name: 'podinfo.test', text: message, mrkdwn_in: ['text'], fields: FIELDS.map((f) => ({ title: f.name, value: f.value, short: false })) }],
  };
}

describe('chat providers', () => {
  const info = alert('info');
  const error = alert('error', 'Canary analysis failed, rolled back.');
  it.each([
    ['slack', {}, info, '/hooks/slack', slackBody('good', info.message, 'fledge-bot', 'deploys')],
    ['slack', {}, error, '/hooks/slack', slackBody('danger', error.message, 'fledge-bot', 'deploys')],
    ['discord', {}, info, '/hooks/discord/slack', slackBody('good', info.message, 'fledge-bot', 'deploys')],
    ['rocket', {}, error, '/hooks/rocket', slackBody('#FF0000', error.message, 'fledge-bot', 'deploys')],
    ['rocket', {}, info, '/hooks/rocket', slackBody('#0076D7', info.message, 'fledge-bot', 'deploys')],
    [
      'msteams',
      {},
      error,
      '/hooks/msteams',
      {
        '@type': 'MessageCard',
        '@context': 'http://schema.org/extensions',
        themeColor: 'FF0000',
        summary: 'podinfo.test',
        sections: [{ activityTitle: error.message, activitySubtitle: 'podinfo.test', facts: FIELDS }],
      },
    ],
    [
      'gchat',
      {},
      info,
      '/hooks/gchat',
      {
        cards: [
          {
            header: { title: 'Flagger', subtitle: 'podinfo.test', imageUrl: 'https://flagger.app/favicon.png' },
            sections: [
              { widgets: [{ textParagraph: { text: `<font color=#848484><strong>${info.message}</strong></font>` } }] },
              ...FIELDS.map((f) => ({ widgets: [{ textParagraph: { text: `${f.name}<br><font color=#848484><strong>${f.value}</strong></font>` } }] })),
            ],
          },
        ],
      },
    ],
  ])('posts a %s message as Flagger does', async (type, _extra, sent, path, body) => {
    const name = `on-call-${type}`;
    await provider(name, { type, address: `${chat.url}/hooks/${type}`, username: 'fledge-bot', channel: 'deploys' });

    await notifications().send(canary([{ name: 'chat', provider: name }]), sent);

    expect(chat.requests).toHaveLength(1);
    const request = chat.requests[0]!;
    expect([request.method, request.path]).toEqual(['POST', path]);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['authorization']).toBeUndefined();
    expect(JSON.parse(request.body)).toEqual(body);
  });

  it("reads the address and bearer token from the provider's Secret", async () => {
    await secret('slack-bot', { address: `${chat.url}/api/chat.postMessage`, token: 'xoxb-secret-token' });
    await provider('slack-bot', { type: 'slack', secretRef: { name: 'slack-bot' } });

    await notifications().send(canary([{ name: 'bot', provider: 'slack-bot' }]), alert('warn'));

    expect(chat.requests.map((r) => [r.path, r.headers['authorization']])).toEqual([['/api/chat.postMessage', 'Bearer xoxb-secret-token']]);
  });

  it("keeps a message Slack's Web API refuses with 200 ok=false", async () => {
    await secret('slack-bot', { address: `${chat.url}/api/chat.postMessage`, token: 'xoxb-secret-token' });
    await provider('slack-bot', { type: 'slack', secretRef: { name: 'slack-bot' } });
    answers = [{ status: 200, body: '{"ok":false,"error":"channel_not_found"}' }];
    const hub = notifications();

    await hub.send(canary([{ name: 'bot', provider: 'slack-bot' }]), alert('warn'));

    expect(hub.pending()).toEqual({ 'alertprovider/test/slack-bot': 1 });
    expect(logs[0]?.message).toContain('sending notification refused: Slack answered ok=false: channel_not_found');
  });

  it('logs a Secret without an address and sends nothing', async () => {
    await secret('no-address', { token: 't0ken' });
    await provider('broken', { type: 'slack', secretRef: { name: 'no-address' } });

    await notifications().send(canary([{ name: 'bot', provider: 'broken' }]), alert('info'));

    expect(chat.requests).toHaveLength(0);
    expect(logs).toEqual([{ level: 'error', message: 'alert provider broken.test secret does not contain an address', destination: 'alertprovider/test/broken' }]);
  });

  it('logs a missing AlertProvider', async () => {
    await notifications().send(canary([{ name: 'bot', provider: 'ghost' }]), alert('info'));
    expect(logs.map((l) => l.message)).toEqual(['alert provider ghost.test error: not found']);
  });

  it.each<[Severity, Severity, boolean]>([
    ['info', 'info', true],
    ['info', 'warn', true],
    ['info', 'error', true],
    ['warn', 'info', false],
    ['warn', 'warn', true],
    ['warn', 'error', true],
    ['error', 'info', false],
    ['error', 'warn', false],
    ['error', 'error', true],
  ])("lets a %s entry receive a %s alert: %s (Flagger's filter)", (entry, sent, allowed) => {
    expect(severityAllows(entry, sent)).toBe(allowed);
  });

  it('sends to each entry its severity lets through, an empty severity being info', async () => {
    await provider('errors-only', { type: 'slack', address: `${chat.url}/errors` });
    await provider('everything', { type: 'slack', address: `${chat.url}/everything` });
    const c = canary([
      { name: 'e', severity: 'error', provider: 'errors-only' },
      { name: 'all', provider: 'everything' },
    ]);
    const hub = notifications();

    await hub.send(c, alert('info'));
    await hub.send(c, alert('error'));

    expect(chat.requests.map((r) => r.path).sort()).toEqual(['/errors', '/everything', '/everything']);
  });

  it('keeps a failed delivery and sends it, oldest first, with the next alert; the address and token never shown', async () => {
    await secret('hook', { address: `${chat.url}/services/T000/B000/XXXXsecretpath`, token: 'tok-123456' });
    await provider('team', { type: 'slack', secretRef: { name: 'hook' } });
    const c = canary([{ name: 'team', provider: 'team' }]);
    const hub = notifications();
    answers = [{ status: 500, body: `no such hook ${chat.url}/services/T000/B000/XXXXsecretpath` }];

    await hub.send(c, alert('info', 'first'));
    expect(hub.pending()).toEqual({ 'alertprovider/test/team': 1 });
    await hub.send(c, alert('info', 'second'));

    expect(chat.requests.map((r) => (JSON.parse(r.body) as { attachments: { text: string }[] }).attachments[0]?.text)).toEqual(['first', 'first', 'second']);
    expect(hub.pending()).toEqual({ 'alertprovider/test/team': 0 });
    expect(logs.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(logs[0]?.message).toContain('sending notification bad response 500');
    const shown = JSON.stringify(logs);
    expect(shown).not.toContain('XXXXsecretpath');
    expect(shown).not.toContain('tok-123456');
  });

  it('posts through the provider proxy, as Go does for an http address (absolute-form request to the proxy)', async () => {
    const forwarded: string[] = [];
    const proxy: Server = createServer((req, res) => {
      forwarded.push(`${req.method} ${req.url}`);
      const upstream = request(req.url ?? '', { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      await provider('proxied', { type: 'msteams', address: `${chat.url}/teams`, proxy: proxyUrl });

      await notifications().send(canary([{ name: 'p', provider: 'proxied' }]), alert('info'));

      expect(forwarded).toEqual([`POST ${chat.url}/teams`]);
      expect(chat.requests.map((r) => r.path)).toEqual(['/teams']);
      expect(logs).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  it('sends only to its own channels once the Canary is gone', async () => {
    const posted: Alert[] = [];
    const hub = new Notifications({ cluster: 'prod-eu', reader: harness.kube, channels: [{ type: 'sns', post: async (a) => (posted.push(a), { kind: 'sent' }) }] });

    await hub.send(undefined, alert('warn', 'Terminated canary podinfo.test'));

    expect(chat.requests).toHaveLength(0);
    expect(posted.map((a) => a.fields.map((f) => f.name))).toEqual([['Cluster', 'Target', 'Image before', 'Image after']]);
  });
});
