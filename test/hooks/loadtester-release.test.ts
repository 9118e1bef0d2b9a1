/**
 * A release through a loadtester-compatible server over real HTTP: the real controller, with the HTTP hook
 * caller, against the Kubernetes API emulator and the loadtester emulator. The confirm-rollout and
 * confirm-promotion gates are opened and closed by POSTing to the loadtester, as a user or a pipeline does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Phase } from '../../shared/api/state.ts';
import { advanceCanary, type ControllerDeps } from '../../shared/controller/index.ts';
import { HttpHookCaller } from '../../shared/hooks/index.ts';
import type { KubeObject } from '../../shared/kube/index.ts';
import { startLoadtester, type Loadtester } from '../../sim/loadtester/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { startSimulation, type Simulation } from '../../sim/scenario/simulation.ts';
import { DEPLOYMENT, file, scenario } from '../sim/scenario/fixtures.ts';
import { startRecordingServer, type RecordingServer } from './recording-server.ts';

const MINUTE = 60_000;
const stops: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

function canaryYaml(tester: string, events: string, extraHooks = ''): string {
  return `
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: istio
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis:
    interval: 1m
    threshold: 2
    maxWeight: 20
    stepWeight: 10
    metrics:
      - {name: request-success-rate, thresholdRange: {min: 99}, interval: 1m}
    webhooks:
      - {name: gate, type: confirm-rollout, url: "${tester}/gate/check"}
      - name: acceptance-test
        type: pre-rollout
        url: "${tester}/"
        timeout: 15s
        metadata: {type: bash, cmd: "echo acceptance ok", returnCmdOutput: "true"}
      - name: load-test
        type: rollout
        url: "${tester}/"
        metadata: {cmd: "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"}
      - {name: promotion-gate, type: confirm-promotion, url: "${tester}/gate/check"}
      - {name: rollback, type: rollback, url: "${tester}/rollback/check"}
      - name: notify
        type: post-rollout
        url: "${tester}/"
        metadata: {type: bash, cmd: "echo released"}
      - {name: events, type: event, url: "${events}/events?token=s3cr3t-event-token"}
${extraHooks}`;
}

async function start(canaryText: string): Promise<{ sim: Simulation; deps: ControllerDeps }> {
  const parsed = parseScenario(file(DEPLOYMENT, canaryText, scenario('  maxTicks: 50')), 'loadtester.yaml');
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const sim = await startSimulation(parsed.file);
  stops.push(() => sim.stop());
  const hooks = new HttpHookCaller({ sleep: async () => undefined });
  stops.push(() => hooks.close());
  return { sim, deps: { ...sim.deps, hooks } };
}

async function loadtester(): Promise<Loadtester> {
  const tester = await startLoadtester();
  stops.push(() => tester.stop());
  return tester;
}

async function eventReceiver(): Promise<RecordingServer> {
  const server = await startRecordingServer(() => ({ status: 202 }));
  stops.push(() => server.close());
  return server;
}

async function tick(s: Simulation, deps: ControllerDeps, n: number): Promise<Phase> {
  const now = new Date(Date.parse('2026-01-01T00:00:00Z') + n * MINUTE);
  s.clock.set(now.getTime());
  const result = await advanceCanary(deps, s.id, now, { tick: n });
  s.world.tick(now);
  expect(result.kind).toBe('advanced');
  return ((await s.deps.store.load(s.id))?.state.phase ?? '') as Phase;
}

async function setImage(s: Simulation, image: string): Promise<void> {
  await s.kube.patch({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo' }, 'strategic', {
    spec: { template: { spec: { containers: [{ name: 'podinfod', image }] } } },
  });
}

/** POSTs Flagger's payload to a loadtester endpoint, as `curl -d '{"name":…}' …/gate/open` does. */
async function post(tester: Loadtester, path: string): Promise<number> {
  const response = await fetch(`${tester.url}${path}`, { method: 'POST', body: JSON.stringify({ name: 'podinfo', namespace: 'test' }) });
  await response.text();
  return response.status;
}

describe('a release through a loadtester-compatible server', () => {
  it('waits at both gates until they are opened over HTTP, runs its checks there and is promoted', async () => {
    const tester = await loadtester();
    const events = await eventReceiver();
    const { sim, deps } = await start(canaryYaml(tester.url, events.url));

    const phases: Phase[] = [];
    for (let n = 1; n <= 2; n++) phases.push(await tick(sim, deps, n));
    await setImage(sim, 'ghcr.io/stefanprodan/podinfo:6.0.1');
    let waited = 0;
    for (let n = 3; n <= 30 && phases.at(-1) !== 'Succeeded'; n++) {
      const phase = await tick(sim, deps, n);
      phases.push(phase);
      if (phase === 'Waiting' && ++waited === 2) expect(await post(tester, '/gate/open')).toBe(202);
      // The run has started: close the gate again so the promotion gate holds the release.
      if (phase === 'Progressing' && phases.at(-2) === 'Waiting') expect(await post(tester, '/gate/close')).toBe(202);
      if (phase === 'WaitingPromotion' && phases.at(-2) === 'WaitingPromotion') expect(await post(tester, '/gate/open')).toBe(202);
    }

    expect(phases.slice(0, 5)).toEqual(['Initializing', 'Initialized', 'Waiting', 'Waiting', 'Progressing']);
    expect(phases).toContain('WaitingPromotion');
    expect(phases.at(-1)).toBe('Succeeded');
    const primary = await sim.kube.get<KubeObject>({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'test', name: 'podinfo-primary' });
    expect(JSON.stringify(primary?.['spec'])).toContain('podinfo:6.0.1');

    // What the loadtester saw: closed gate checks, then approved ones; the load test queued once per canary+cmd.
    const gateChecks = tester.calls.filter((c) => c.path === '/gate/check').map((c) => c.status);
    expect(gateChecks.slice(0, 2)).toEqual([403, 403]);
    expect(gateChecks).toContain(200);
    expect(tester.calls.every((c) => c.path === '/healthz' || c.canary === 'podinfo.test')).toBe(true);
    const loadTests = tester.tasks();
    expect(loadTests).toHaveLength(1);
    expect(loadTests[0]).toMatchObject({ canary: 'podinfo.test', command: 'hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/' });
    expect(loadTests[0]?.received).toBeGreaterThanOrEqual(1);
    expect(tester.calls.filter((c) => c.path === '/rollback/check').every((c) => c.status === 403)).toBe(true);

    // What the store kept: every webhook result, the body of the bash check as its detail, no URL anywhere.
    const history = (await sim.deps.store.history(sim.id)).items;
    const records = history.flatMap((item) => item.webhooks);
    expect(records).toContainEqual({ name: 'gate', type: 'confirm-rollout', outcome: 'pending', statusCode: 403, detail: 'Forbidden' });
    expect(records).toContainEqual({ name: 'gate', type: 'confirm-rollout', outcome: 'pass', statusCode: 200, detail: 'Approved' });
    expect(records).toContainEqual({ name: 'acceptance-test', type: 'pre-rollout', outcome: 'pass', statusCode: 200, detail: 'acceptance ok' });
    expect(records).toContainEqual({ name: 'load-test', type: 'rollout', outcome: 'pass', statusCode: 202 });
    expect(records).toContainEqual({ name: 'promotion-gate', type: 'confirm-promotion', outcome: 'pass', statusCode: 200, detail: 'Approved' });
    const messages = history.flatMap((item) => item.events.map((e) => e.message));
    expect(messages).toEqual(
      expect.arrayContaining([
        'Halt podinfo.test advancement waiting for approval gate',
        'Confirm-rollout check gate passed',
        'Pre-rollout check acceptance-test passed',
        'Halt podinfo.test advancement waiting for promotion approval promotion-gate',
        'Confirm-promotion check promotion-gate passed',
        'Rollback hook rollback not signaling a rollback',
      ]),
    );
    const clusterEvents = (await sim.kube.list<KubeObject>('v1', 'Event', { namespace: 'test' })).map((e) => String(e['message']));
    expect(clusterEvents).toContain('Post-rollout check notify passed');

    // Event webhooks: Flagger's payload with eventMessage, eventType and timestamp; the token never leaks.
    expect(events.requests.length).toBeGreaterThan(5);
    const first = JSON.parse(events.requests[0]?.body ?? '{}') as { metadata?: Record<string, string> };
    expect(first).toMatchObject({ name: 'podinfo', namespace: 'test', metadata: { eventType: 'Normal' } });
    expect(Object.keys(first.metadata ?? {}).sort()).toEqual(['eventMessage', 'eventType', 'timestamp']);
    expect(events.requests.every((r) => r.path === '/events?token=s3cr3t-event-token')).toBe(true);
    const shown = JSON.stringify({ history, clusterEvents });
    expect(shown).not.toContain('s3cr3t-event-token');
    expect(shown).not.toContain(tester.url);
  });

  it('fails a release whose bash pre-rollout check fails, with the command output in the event', async () => {
    const tester = await loadtester();
    const events = await eventReceiver();
    const text = canaryYaml(tester.url, events.url).replace('cmd: "echo acceptance ok"', 'cmd: "false"');
    const { sim, deps } = await start(text);
    tester.gates.open('podinfo.test');

    const phases: Phase[] = [];
    for (let n = 1; n <= 2; n++) phases.push(await tick(sim, deps, n));
    await setImage(sim, 'ghcr.io/stefanprodan/podinfo:6.0.1');
    for (let n = 3; n <= 12 && phases.at(-1) !== 'Failed'; n++) phases.push(await tick(sim, deps, n));

    expect(phases.at(-1)).toBe('Failed');
    const messages = (await sim.deps.store.history(sim.id)).items.flatMap((item) => item.events.map((e) => e.message));
    expect(messages).toContain('Halt podinfo.test advancement pre-rollout check acceptance-test failed command false failed: : exit status 1');
  });

  it('keeps a canary whose rollout check answers IN_PROGRESS without a failed check until it passes', async () => {
    const tester = await loadtester();
    const events = await eventReceiver();
    let answered = 0;
    const smoke = await startRecordingServer(() =>
      ++answered <= 3 ? { status: 200, body: '{"status":"IN_PROGRESS","retryAfterSeconds":60}' } : { status: 200, body: 'done' },
    );
    stops.push(() => smoke.close());
    const { sim, deps } = await start(canaryYaml(tester.url, events.url, `      - {name: soak, type: rollout, url: "${smoke.url}/soak"}`));
    tester.gates.open('podinfo.test');

    const failedChecks: number[] = [];
    const phases: Phase[] = [];
    for (let n = 1; n <= 2; n++) phases.push(await tick(sim, deps, n));
    await setImage(sim, 'ghcr.io/stefanprodan/podinfo:6.0.1');
    for (let n = 3; n <= 20 && phases.at(-1) !== 'Succeeded' && phases.at(-1) !== 'Failed'; n++) {
      phases.push(await tick(sim, deps, n));
      failedChecks.push((await sim.deps.store.load(sim.id))?.state.failedChecks ?? -1);
    }

    expect(phases.at(-1)).toBe('Succeeded');
    expect(Math.max(...failedChecks)).toBe(0);
    const messages = (await sim.deps.store.history(sim.id)).items.flatMap((item) => item.events.map((e) => e.message));
    expect(messages.filter((m) => m === 'Halt podinfo.test advancement rollout check soak in progress, retry after 60s')).toHaveLength(3);
  });
});
