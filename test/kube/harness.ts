/**
 * A running Kubernetes API emulator with Fledge's kube port pointed at it over real HTTP, for the kube,
 * workload and router tests. The cluster has the CRDs a scenario cluster starts with (Flagger's own and
 * every router and autoscaler kind).
 *
 * Two transports pass the same contract: `kubeconfig` (client-node's KubeConfig, as the CLI and `fledge
 * local` use) and `eks` (the Lambdas' path: Node's HTTPS against a TLS emulator trusting only the test CA,
 * an EKS token checked on every request as aws-iam-authenticator checks it against a fake STS, endpoint and
 * CA from a fake EKS DescribeCluster).
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { standardCrds } from '../../sim/crds/index.ts';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../sim/emulator/index.ts';
import { createKubeClient, EksAccess, RequestCounter, type HttpKubeClientOptions, type KubeClient } from '../../shared/kube/index.ts';
import { clientConfig } from '../aws/server.ts';
import { startFakeEks, type FakeEks } from '../aws/eks.ts';
import { startFakeSts, type FakeSts } from '../aws/sts.ts';
import { selfSignedCertificate } from '../aws/tls.ts';

/** The transports the kube port's contract runs over. */
export const TRANSPORTS = ['kubeconfig', 'eks'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** An emulator, the kube port on it, and the request counter of that port. */
export interface KubeHarness {
  readonly emulator: Emulator;
  readonly kube: KubeClient;
  readonly counter: RequestCounter;
  /** Another client on the same transport, with other settings. */
  client(options?: Omit<HttpKubeClientOptions, 'transport'>): Promise<KubeClient>;
  stop(): Promise<void>;
}

/** The EKS cluster name the `eks` transport's tokens are bound to. */
export const TEST_CLUSTER = 'fledge-test';

/** What a test may add to the emulator it gets (e.g. an external metrics source). */
export type ExtraEmulatorOptions = Pick<EmulatorOptions, 'externalMetrics'>;

/** Starts an emulator with the standard CRDs and the namespace `test`. */
export async function startKube(transport: Transport = 'kubeconfig', extra: ExtraEmulatorOptions = {}): Promise<KubeHarness> {
  return transport === 'kubeconfig' ? startKubeconfigKube(extra) : startEksKube(extra);
}

async function startKubeconfigKube(extra: ExtraEmulatorOptions): Promise<KubeHarness> {
  const emulator = await startEmulator({ ...extra, crds: standardCrds(), clock: { now: () => new Date('2026-01-01T00:00:00Z') } });
  const client = async (options: Omit<HttpKubeClientOptions, 'transport'> = {}) => createKubeClient({ kubeconfig: emulator.kubeconfig(), ...options });
  return finish(emulator, client, () => emulator.stop());
}

/** The Lambda path end to end; see the module comment. */
export async function startEksKube(extra: ExtraEmulatorOptions = {}): Promise<KubeHarness & { readonly sts: FakeSts; readonly eks: FakeEks }> {
  const sts = await startFakeSts();
  const eks = await startFakeEks((accessKeyId) => sts.callers.get(accessKeyId)?.arn.split(':')[4]);
  const verified = new Set<string>();
  const certificate = selfSignedCertificate();
  const emulator = await startEmulator({
    ...extra,
    crds: standardCrds(),
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
    tls: certificate,
    authenticate: async (authorization) => {
      const token = authorization?.replace(/^Bearer /, '') ?? '';
      if (verified.has(token)) return true;
      // Every cluster the fake EKS serves from this emulator is this API server (as one EKS cluster has one name).
      const names = [...eks.clusters.entries()].filter(([, c]) => c.endpoint === emulator.url).map(([name]) => name);
      for (const name of names) {
        try {
          await sts.verifyToken(token, name);
          verified.add(token);
          return true;
        } catch {
          // not a token for this cluster
        }
      }
      return false;
    },
  });
  eks.clusters.set(TEST_CLUSTER, { endpoint: emulator.url, caData: certificate.caData });
  const access = (options: Omit<HttpKubeClientOptions, 'transport'>) =>
    new EksAccess({
      clusters: [{ name: TEST_CLUSTER, region: 'eu-west-1' }],
      clientConfig: (service) => clientConfig(service === 'sts' ? sts.endpoint : eks.endpoint),
      kube: options,
    });
  const client = (options: Omit<HttpKubeClientOptions, 'transport'> = {}) => access(options).kube(TEST_CLUSTER);
  const harness = await finish(emulator, client, async () => {
    await emulator.stop();
    await sts.stop();
    await eks.stop();
  });
  return { ...harness, sts, eks };
}

async function finish(emulator: Emulator, client: KubeHarness['client'], stop: () => Promise<void>): Promise<KubeHarness> {
  const counter = new RequestCounter();
  const kube = await client({ onRequest: counter.hook });
  await kube.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'test' } });
  counter.reset();
  return { emulator, kube, counter, client, stop };
}

/**
 * One harness for the test file (or `describe` block) that calls it: started before its tests, stopped
 * after them, with no injected fault and a zero request count at the start of each test. Its fields are set
 * once the `beforeAll` has run.
 */
export function kubeForFile(transport: Transport = 'kubeconfig', extra: ExtraEmulatorOptions = {}): KubeHarness {
  const harness = {} as { -readonly [K in keyof KubeHarness]: KubeHarness[K] };
  beforeAll(async () => {
    Object.assign(harness, await startKube(transport, extra));
  });
  afterAll(async () => {
    await harness.stop();
  });
  beforeEach(() => {
    harness.emulator.faults.clear();
    harness.counter.reset();
  });
  return harness;
}
