/**
 * The defaults kube-apiserver fills into built-in objects (the `SetDefaults_*` functions of each API group),
 * for the kinds the emulator serves. Controllers that compare what they wrote with what they read back must
 * cope with these, as on a real cluster.
 */
import type { KubeObject } from './types.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function obj(parent: Obj, key: string): Obj {
  if (!isObject(parent[key])) parent[key] = {};
  return parent[key] as Obj;
}

function def(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined || target[key] === null) target[key] = value;
}

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const lastPart = image.split('/').at(-1) ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.split(':').at(-1) : undefined;
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  def(c, 'imagePullPolicy', imagePullPolicy(c['image']));
  def(c, 'resources', {});
  for (const port of Array.isArray(c['ports']) ? c['ports'] : []) if (isObject(port)) def(port, 'protocol', 'TCP');
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (!isObject(p)) continue;
    def(p, 'timeoutSeconds', 1);
    def(p, 'periodSeconds', 10);
    def(p, 'successThreshold', 1);
    def(p, 'failureThreshold', 3);
    if (isObject(p['httpGet'])) def(p['httpGet'], 'scheme', 'HTTP');
  }
}

/** Pod spec defaults (restart policy, DNS policy, grace period, container and volume defaults). */
export function defaultPodSpec(spec: Obj): void {
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'securityContext', {});
  def(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['initContainers', 'containers']) for (const c of Array.isArray(spec[list]) ? spec[list] : []) if (isObject(c)) defaultContainer(c);
  for (const v of Array.isArray(spec['volumes']) ? spec['volumes'] : []) {
    if (!isObject(v)) continue;
    for (const source of ['configMap', 'secret']) if (isObject(v[source])) def(v[source], 'defaultMode', 420);
  }
}

function defaultTemplate(spec: Obj): void {
  const template = obj(spec, 'template');
  defaultPodSpec(obj(template, 'spec'));
}

function percentOrInt(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Allocates cluster IPs and node ports deterministically, like the API server's allocators (without reuse). */
export class Allocators {
  private nextIp = 1;
  private nextNodePort = 30000;

  clusterIP(): string {
    const n = this.nextIp++;
    return `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }

  nodePort(): number {
    return this.nextNodePort++;
  }
}

function defaultService(object: KubeObject, old: KubeObject | undefined, allocators: Allocators): void {
  const spec = obj(object, 'spec');
  const oldSpec = isObject(old?.['spec']) ? (old['spec'] as Obj) : undefined;
  def(spec, 'type', 'ClusterIP');
  def(spec, 'sessionAffinity', 'None');
  const type = spec['type'];
  if (type !== 'ExternalName') {
    // On update, allocated values the client left out are kept (kube-apiserver's patchAllocatedValues).
    if (oldSpec?.['clusterIP'] !== undefined && spec['clusterIP'] === undefined) {
      spec['clusterIP'] = oldSpec['clusterIP'];
      spec['clusterIPs'] = oldSpec['clusterIPs'];
    }
    def(spec, 'clusterIP', allocators.clusterIP());
    def(spec, 'clusterIPs', [spec['clusterIP']]);
    def(spec, 'ipFamilies', ['IPv4']);
    def(spec, 'ipFamilyPolicy', 'SingleStack');
    def(spec, 'internalTrafficPolicy', 'Cluster');
  }
  if (type === 'NodePort' || type === 'LoadBalancer') def(spec, 'externalTrafficPolicy', 'Cluster');
  const oldPorts = Array.isArray(oldSpec?.['ports']) ? (oldSpec['ports'] as Obj[]) : [];
  for (const port of Array.isArray(spec['ports']) ? spec['ports'] : []) {
    if (!isObject(port)) continue;
    def(port, 'protocol', 'TCP');
    def(port, 'targetPort', port['port']);
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const previous = oldPorts.find((p) => p['port'] === port['port'] && (p['protocol'] ?? 'TCP') === port['protocol']);
      def(port, 'nodePort', previous?.['nodePort'] ?? allocators.nodePort());
    }
  }
}

function defaultHpa(object: KubeObject): void {
  const spec = obj(object, 'spec');
  def(spec, 'minReplicas', 1);
  def(spec, 'metrics', [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  const behavior = spec['behavior'];
  if (isObject(behavior)) {
    const up = obj(behavior, 'scaleUp');
    def(up, 'stabilizationWindowSeconds', 0);
    def(up, 'selectPolicy', 'Max');
    def(up, 'policies', [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
    const down = obj(behavior, 'scaleDown');
    def(down, 'selectPolicy', 'Max');
    def(down, 'policies', [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  }
}

/** Fills the defaults of a built-in object of `kind` in place. */
export function applyDefaults(kind: string, object: KubeObject, old: KubeObject | undefined, allocators: Allocators): void {
  switch (kind) {
    case 'Deployment': {
      const spec = obj(object, 'spec');
      def(spec, 'replicas', 1);
      def(spec, 'revisionHistoryLimit', 10);
      def(spec, 'progressDeadlineSeconds', 600);
      const strategy = obj(spec, 'strategy');
      def(strategy, 'type', 'RollingUpdate');
      if (strategy['type'] === 'RollingUpdate') {
        const rolling = obj(strategy, 'rollingUpdate');
        if (!percentOrInt(rolling['maxUnavailable'])) rolling['maxUnavailable'] = '25%';
        if (!percentOrInt(rolling['maxSurge'])) rolling['maxSurge'] = '25%';
      }
      defaultTemplate(spec);
      return;
    }
    case 'DaemonSet': {
      const spec = obj(object, 'spec');
      def(spec, 'revisionHistoryLimit', 10);
      const strategy = obj(spec, 'updateStrategy');
      def(strategy, 'type', 'RollingUpdate');
      if (strategy['type'] === 'RollingUpdate') {
        const rolling = obj(strategy, 'rollingUpdate');
        def(rolling, 'maxUnavailable', 1);
        def(rolling, 'maxSurge', 0);
      }
      defaultTemplate(spec);
      return;
    }
    case 'ReplicaSet': {
      const spec = obj(object, 'spec');
      def(spec, 'replicas', 1);
      defaultTemplate(spec);
      return;
    }
    case 'Pod':
      defaultPodSpec(obj(object, 'spec'));
      return;
    case 'Service':
      defaultService(object, old, allocators);
      return;
    case 'HorizontalPodAutoscaler':
      defaultHpa(object);
      return;
    case 'Secret': {
      def(object, 'type', 'Opaque');
      // stringData is write-only: merged into data (base64) and dropped, as the API server does.
      const stringData = object['stringData'];
      if (isObject(stringData)) {
        const data = obj(object, 'data');
        for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
        delete object['stringData'];
      }
      return;
    }
    default:
      return;
  }
}
