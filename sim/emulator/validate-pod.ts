/**
 * Pod spec validation as kube-apiserver does it (`ValidatePodSpec`), for pods and the pod templates of
 * Deployments, DaemonSets and ReplicaSets.
 */
import { dns1123Label, envName, ianaServiceName, portNumber } from './checks.ts';
import type { Causes } from './checks.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];

function validateContainer(c: Causes, field: string, container: Obj, volumes: Set<string>): void {
  if (typeof container['image'] !== 'string' || container['image'].trim() === '') c.required(`${field}.image`);
  const policy = container['imagePullPolicy'];
  if (policy !== undefined && !PULL_POLICIES.includes(String(policy))) c.unsupported(`${field}.imagePullPolicy`, policy, PULL_POLICIES);
  const portNames = new Set<string>();
  arr(container['ports']).forEach((raw, i) => {
    const port = isObject(raw) ? raw : {};
    const f = `${field}.ports[${i}]`;
    portNumber(c, `${f}.containerPort`, port['containerPort']);
    if (port['hostPort'] !== undefined && port['hostPort'] !== 0) portNumber(c, `${f}.hostPort`, port['hostPort']);
    if (typeof port['name'] === 'string') {
      ianaServiceName(c, `${f}.name`, port['name']);
      if (portNames.has(port['name'])) c.duplicate(`${f}.name`, port['name']);
      portNames.add(port['name']);
    }
    if (port['protocol'] !== undefined && !PROTOCOLS.includes(String(port['protocol']))) c.unsupported(`${f}.protocol`, port['protocol'], PROTOCOLS);
  });
  arr(container['env']).forEach((raw, i) => {
    const env = isObject(raw) ? raw : {};
    const f = `${field}.env[${i}]`;
    if (typeof env['name'] !== 'string' || env['name'] === '') c.required(`${f}.name`);
    else envName(c, `${f}.name`, env['name']);
    if (env['value'] !== undefined && env['valueFrom'] !== undefined) c.invalid(`${f}.valueFrom`, '', 'may not be specified when `value` is not empty');
  });
  const mountPaths = new Set<string>();
  arr(container['volumeMounts']).forEach((raw, i) => {
    const mount = isObject(raw) ? raw : {};
    const f = `${field}.volumeMounts[${i}]`;
    if (typeof mount['name'] !== 'string' || mount['name'] === '') c.required(`${f}.name`);
    else if (!volumes.has(mount['name'])) c.notFound(`${f}.name`, mount['name']);
    if (typeof mount['mountPath'] !== 'string' || mount['mountPath'] === '') c.required(`${f}.mountPath`);
    else {
      if (mountPaths.has(mount['mountPath'])) c.invalid(`${f}.mountPath`, mount['mountPath'], 'must be unique');
      mountPaths.add(mount['mountPath']);
    }
  });
}

/**
 * Validates a pod spec at `field` (e.g. `spec.template.spec`). `restartPolicies` narrows the allowed restart
 * policies (workload templates allow only `Always`).
 */
export function validatePodSpec(c: Causes, field: string, spec: unknown, restartPolicies: readonly string[] = RESTART_POLICIES): void {
  if (!isObject(spec)) {
    c.required(`${field}.containers`);
    return;
  }
  const volumes = new Set<string>();
  arr(spec['volumes']).forEach((raw, i) => {
    const volume = isObject(raw) ? raw : {};
    const f = `${field}.volumes[${i}]`;
    if (typeof volume['name'] !== 'string' || volume['name'] === '') c.required(`${f}.name`);
    else {
      dns1123Label(c, `${f}.name`, volume['name']);
      if (volumes.has(volume['name'])) c.duplicate(`${f}.name`, volume['name']);
      volumes.add(volume['name']);
    }
  });
  const containers = arr(spec['containers']);
  if (containers.length === 0) c.required(`${field}.containers`);
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers']) {
    arr(spec[list]).forEach((raw, i) => {
      const container = isObject(raw) ? raw : {};
      const f = `${field}.${list}[${i}]`;
      const name = container['name'];
      if (typeof name !== 'string' || name === '') c.required(`${f}.name`);
      else {
        dns1123Label(c, `${f}.name`, name);
        if (names.has(name)) c.duplicate(`${f}.name`, name);
        names.add(name);
      }
      validateContainer(c, f, container, volumes);
    });
  }
  const restart = spec['restartPolicy'];
  if (restart !== undefined && !restartPolicies.includes(String(restart))) c.unsupported(`${field}.restartPolicy`, restart, restartPolicies);
  const dns = spec['dnsPolicy'];
  if (dns !== undefined && !DNS_POLICIES.includes(String(dns))) c.unsupported(`${field}.dnsPolicy`, dns, DNS_POLICIES);
  const grace = spec['terminationGracePeriodSeconds'];
  if (typeof grace === 'number' && grace < 0) c.invalid(`${field}.terminationGracePeriodSeconds`, grace, 'must be greater than or equal to 0');
}
