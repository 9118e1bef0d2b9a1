/** How URLs and secrets are shown: one redaction for logs, events, alerts and history. */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl, scrubSecrets, showUrlText, urlSecrets } from '../../shared/redact.ts';

describe('redactUrl', () => {
  it.each([
    ['http://loadtester.test/gate/check', 'http://loadtester.test/gate/check'],
    ['http://loadtester.test/gate/check?token=s3cr3t&x=1', 'http://loadtester.test/gate/check'],
    ['https://user:pw@hooks.example.com:8443/a/b#frag', 'https://hooks.example.com:8443/a/b'],
    ['http://flagger-loadtester.test', 'http://flagger-loadtester.test/'],
    ['not a url', '<invalid URL>'],
  ])('shows %s as %s', (url, shown) => {
    expect(redactUrl(url)).toBe(shown);
  });
});

describe('scrubSecrets', () => {
  it('removes credentials and query values from text that echoes the URL', () => {
    const url = 'https://bot:p%40ss@hooks.example.com/x?token=abc123&team=ops';
    const text = `POST ${url} failed; token abc123 for bot p@ss`;
    const scrubbed = scrubSecrets(text, urlSecrets(url));
    for (const secret of ['abc123', 'p@ss', 'p%40ss', 'team=ops']) expect(scrubbed).not.toContain(secret);
    expect(scrubbed).toContain(REDACTED);
  });

  it('leaves a URL without secrets as it is', () => {
    expect(scrubSecrets('GET http://a.test/b', urlSecrets('http://a.test/b'))).toBe('GET http://a.test/b');
  });

  it('ignores secrets too short to be told from ordinary text', () => {
    expect(scrubSecrets('a b c', ['a', ''])).toBe('a b c');
  });
});

describe('fledge explain', () => {
  it('shows webhook URLs without their query string or credentials', async () => {
    const { planCanary } = await import('../../shared/api/plan.ts');
    const plan = planCanary({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: {
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' },
        analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10, webhooks: [{ name: 'gate', type: 'confirm-rollout', url: 'https://ci:pw@gates.example.com/check?token=abc123' }] },
      },
    });
    expect(plan.hooks.map((h) => h.url)).toEqual(['https://gates.example.com/check']);
  });
});

describe('showUrlText', () => {
  it.each([
    ['ftp://bot:pw@files.test/x?token=abc', 'ftp://files.test/x'],
    ['http//bot:pw@hooks.test/x?token=abc', 'http//hooks.test/x'],
    ['hooks.test/path#frag', 'hooks.test/path'],
    ['plain', 'plain'],
  ])('shows %s as %s', (text, shown) => {
    expect(showUrlText(text)).toBe(shown);
  });

  it('keeps credentials out of the validation error of a webhook URL', async () => {
    const { parseCanary } = await import('../../shared/api/parse.ts');
    const result = parseCanary({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'podinfo' }, analysis: { webhooks: [{ name: 'g', url: 'ftp://bot:pw@files.test/x?token=abc123' }] } },
    });
    expect(result.ok).toBe(false);
    const text = JSON.stringify(result);
    expect(text).toContain('ftp://files.test/x');
    for (const secret of ['abc123', 'bot:pw']) expect(text).not.toContain(secret);
  });
});
