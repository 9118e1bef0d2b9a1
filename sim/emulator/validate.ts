/**
 * Semantic validation of built-in kinds, mirroring kube-apiserver's `pkg/apis/<group>/validation`: the
 * rules a schema cannot express (name formats, selectors matching template labels, port ranges, immutable
 * fields), each answered with the field path and wording of a real server.
 */
import { Causes, configKey, dns1035Label, dns1123Label, dns1123Subdomain, ianaServiceName, labels, portNumber, render } from './checks.ts';
import { jsonEqual } from './meta.ts';
import { matchesLabels } from './selectors.ts';
import type { LabelRequirement } from './selectors.ts';
import type { KubeObject } from './types.ts';
import { validatePodSpec } from './validate-pod.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((n, k) => (isObject(n) ? n[k] : undefined), o);

/** Validates `metadata` (name format per kind, labels, annotations). */
export function validateMeta(c: Causes, kind: string, object: KubeObject): void {
  const name = object.metadata.name;
  if (name) {
    if (kind === 'Namespace') dns1123Label(c, 'metadata.name', name);
    else if (kind === 'Service') dns1035Label(c, 'metadata.name', name);
    else dns1123Subdomain(c, 'metadata.name', name);
  }
  labels(c, 'metadata.labels', object.metadata.labels);
  const annotations = object.metadata.annotations;
  if (isObject(annotations)) {
    const size = Object.entries(annotations).reduce((n, [k, v]) => n + k.length + String(v).length, 0);
    if (size > 262144) c.tooLong('metadata.annotations', 262144);
  }
}

function requirementsOf(selector: Obj): LabelRequirement[] {
  const out: LabelRequirement[] = Object.entries(isObject(selector['matchLabels']) ? selector['matchLabels'] : {}).map(([key, value]) => ({ op: '=', key, value: String(value) }));
  for (const raw of arr(selector['matchExpressions'])) {
    const e = isObject(raw) ? raw : {};
    const key = String(e['key'] ?? '');
    const values = arr(e['values']).map(String);
    if (e['operator'] === 'In') out.push({ op: 'in', key, values });
    else if (e['operator'] === 'NotIn') out.push({ op: 'notin', key, values });
    else if (e['operator'] === 'Exists') out.push({ op: 'exists', key });
    else if (e['operator'] === 'DoesNotExist') out.push({ op: '!exists', key });
  }
  return out;
}

/** Selector present, non-empty, valid and matching the template's labels; immutable on update. */
function validateSelectorAndTemplate(c: Causes, kind: string, spec: Obj, old: KubeObject | undefined): void {
  const selector = spec['selector'];
  if (!isObject(selector)) c.required('spec.selector');
  else {
    labels(c, 'spec.selector.matchLabels', selector['matchLabels']);
    const requirements = requirementsOf(selector);
    if (requirements.length === 0) c.invalid('spec.selector', selector, `empty selector is invalid for ${kind.toLowerCase()}`);
    const templateLabels = get(spec, 'template', 'metadata', 'labels') as Record<string, string> | undefined;
    if (requirements.length > 0 && !matchesLabels(requirements, templateLabels)) c.invalid('spec.template.metadata.labels', templateLabels ?? {}, '`selector` does not match template `labels`');
    const oldSelector = get(old, 'spec', 'selector');
    if (old && !jsonEqual(oldSelector, selector)) c.invalid('spec.selector', selector, 'field is immutable');
  }
  labels(c, 'spec.template.metadata.labels', get(spec, 'template', 'metadata', 'labels'));
  validatePodSpec(c, 'spec.template.spec', get(spec, 'template', 'spec'), ['Always']);
}

function nonNegative(c: Causes, field: string, value: unknown): void {
  if (typeof value === 'number' && value < 0) c.invalid(field, value, 'must be greater than or equal to 0');
}

/** An int-or-percent of a rolling update: returns the number it stands for against 100, or `undefined` when invalid. */
function intOrPercent(c: Causes, field: string, value: unknown): number | undefined {
  if (typeof value === 'number') {
    nonNegative(c, field, value);
    return value;
  }
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (!m) {
      c.invalid(field, value, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
      return undefined;
    }
    const n = Number(m[1]);
    if (n > 100) c.invalid(field, value, 'must not be greater than 100%');
    return n;
  }
  return undefined;
}

function validateRollingUpdate(c: Causes, prefix: string, rolling: unknown): void {
  if (!isObject(rolling)) return;
  const surge = intOrPercent(c, `${prefix}.maxSurge`, rolling['maxSurge']);
  const unavailable = intOrPercent(c, `${prefix}.maxUnavailable`, rolling['maxUnavailable']);
  if (surge === 0 && unavailable === 0) c.invalid(`${prefix}.maxUnavailable`, rolling['maxUnavailable'], 'may not be 0 when `maxSurge` is 0');
}

function validateDeployment(c: Causes, object: KubeObject, old: KubeObject | undefined): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  nonNegative(c, 'spec.replicas', spec['replicas']);
  nonNegative(c, 'spec.minReadySeconds', spec['minReadySeconds']);
  nonNegative(c, 'spec.revisionHistoryLimit', spec['revisionHistoryLimit']);
  const deadline = spec['progressDeadlineSeconds'];
  if (typeof deadline === 'number' && deadline <= Number(spec['minReadySeconds'] ?? 0)) c.invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds');
  validateSelectorAndTemplate(c, 'Deployment', spec, old);
  const strategy = isObject(spec['strategy']) ? spec['strategy'] : {};
  const type = strategy['type'];
  if (type !== undefined && type !== 'Recreate' && type !== 'RollingUpdate') c.unsupported('spec.strategy.type', type, ['Recreate', 'RollingUpdate']);
  if (type === 'Recreate' && strategy['rollingUpdate'] !== undefined) c.forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'");
  if (type === 'RollingUpdate') validateRollingUpdate(c, 'spec.strategy.rollingUpdate', strategy['rollingUpdate']);
}

function validateDaemonSet(c: Causes, object: KubeObject, old: KubeObject | undefined): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  nonNegative(c, 'spec.minReadySeconds', spec['minReadySeconds']);
  validateSelectorAndTemplate(c, 'DaemonSet', spec, old);
  const strategy = isObject(spec['updateStrategy']) ? spec['updateStrategy'] : {};
  const type = strategy['type'];
  if (type !== undefined && type !== 'OnDelete' && type !== 'RollingUpdate') c.unsupported('spec.updateStrategy.type', type, ['OnDelete', 'RollingUpdate']);
  if (type === 'RollingUpdate') validateRollingUpdate(c, 'spec.updateStrategy.rollingUpdate', strategy['rollingUpdate']);
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function validateService(c: Causes, object: KubeObject, old: KubeObject | undefined): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const type = spec['type'] ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(String(type))) c.unsupported('spec.type', type, SERVICE_TYPES);
  if (type === 'ExternalName' && !spec['externalName']) c.required('spec.externalName');
  const ports = arr(spec['ports']);
  const headless = spec['clusterIP'] === 'None';
  if (ports.length === 0 && type !== 'ExternalName' && !headless) c.required('spec.ports');
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((raw, i) => {
    const port = isObject(raw) ? raw : {};
    const f = `spec.ports[${i}]`;
    const name = port['name'];
    if (ports.length > 1 && (typeof name !== 'string' || name === '')) c.required(`${f}.name`);
    if (typeof name === 'string' && name !== '') {
      dns1123Label(c, `${f}.name`, name);
      if (names.has(name)) c.duplicate(`${f}.name`, name);
      names.add(name);
    }
    portNumber(c, `${f}.port`, port['port']);
    const key = `${String(port['port'])}/${String(port['protocol'] ?? 'TCP')}`;
    if (keys.has(key)) c.duplicate(f, { port: port['port'], protocol: port['protocol'] ?? 'TCP' });
    keys.add(key);
    const target = port['targetPort'];
    if (typeof target === 'number') portNumber(c, `${f}.targetPort`, target);
    else if (typeof target === 'string') ianaServiceName(c, `${f}.targetPort`, target);
    if (port['nodePort'] !== undefined && type === 'ClusterIP') c.forbidden(`${f}.nodePort`, "may not be used when `type` is 'ClusterIP'");
  });
  labels(c, 'spec.selector', spec['selector']);
  const oldIp = get(old, 'spec', 'clusterIP');
  if (old && oldIp !== undefined && spec['clusterIP'] !== undefined && spec['clusterIP'] !== oldIp && type !== 'ExternalName') {
    c.invalid('spec.clusterIPs[0]', spec['clusterIP'], 'may not change once set');
  }
}

function validateData(c: Causes, object: KubeObject, old: KubeObject | undefined, base64: boolean): void {
  const data = isObject(object['data']) ? object['data'] : {};
  const binary = isObject(object['binaryData']) ? object['binaryData'] : {};
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    configKey(c, 'data', key);
    if (key in binary) c.invalid('data', key, 'duplicate of key present in binaryData');
    if (base64 && (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))) c.invalid(`data[${key}]`, '<secret contents redacted>', 'must be base64-encoded');
    size += String(value).length;
  }
  for (const key of Object.keys(binary)) configKey(c, 'binaryData', key);
  if (size > 1024 * 1024) c.tooLong('data', 1024 * 1024);
  if (old?.['immutable'] === true) {
    if (!jsonEqual(old['data'], object['data']) || !jsonEqual(old['binaryData'], object['binaryData'])) c.forbidden('data', 'field is immutable when `immutable` is set');
    if (object['immutable'] !== true) c.forbidden('immutable', 'field is immutable when `immutable` is set');
  }
  if (base64 && old && old['type'] !== object['type']) c.invalid('type', object['type'], 'field is immutable');
}

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const TARGET_TYPES = ['AverageValue', 'Utilization', 'Value'];

function validateHpa(c: Causes, object: KubeObject): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const ref = isObject(spec['scaleTargetRef']) ? spec['scaleTargetRef'] : {};
  if (!ref['kind']) c.required('spec.scaleTargetRef.kind');
  if (!ref['name']) c.required('spec.scaleTargetRef.name');
  const min = spec['minReplicas'];
  const max = spec['maxReplicas'];
  if (typeof min === 'number' && min < 1) c.invalid('spec.minReplicas', min, 'must be greater than or equal to 1');
  if (typeof max !== 'number') c.required('spec.maxReplicas');
  else if (max < 1) c.invalid('spec.maxReplicas', max, 'must be greater than 0');
  else if (typeof min === 'number' && max < min) c.invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`');
  arr(spec['metrics']).forEach((raw, i) => {
    const metric = isObject(raw) ? raw : {};
    const f = `spec.metrics[${i}]`;
    const type = metric['type'];
    if (!type) return c.required(`${f}.type`, `must specify a metric source type`);
    if (!METRIC_TYPES.includes(String(type))) return c.unsupported(`${f}.type`, type, METRIC_TYPES);
    const source = ({ Resource: 'resource', Pods: 'pods', Object: 'object', External: 'external', ContainerResource: 'containerResource' } as Record<string, string>)[String(type)] ?? '';
    const body = metric[source];
    if (!isObject(body)) return c.required(`${f}.${source}`, `must populate information for the given metric source`);
    const target = body['target'];
    if (!isObject(target)) return c.required(`${f}.${source}.target`, 'must specify a metric target');
    if (!TARGET_TYPES.includes(String(target['type']))) c.unsupported(`${f}.${source}.target.type`, target['type'], TARGET_TYPES);
    const utilization = target['averageUtilization'];
    if (typeof utilization === 'number' && utilization <= 0) c.invalid(`${f}.${source}.target.averageUtilization`, utilization, 'must be greater than 0');
    if (type === 'Resource' && !body['name']) c.required(`${f}.resource.name`, 'must specify a resource name');
  });
}

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validateBackend(c: Causes, field: string, backend: unknown): void {
  const b = isObject(backend) ? backend : {};
  const service = b['service'];
  if (!isObject(service) === !isObject(b['resource'])) return c.invalid(field, '', isObject(service) ? 'cannot set both service and resource backends' : 'one backend type must be specified');
  if (!isObject(service)) return;
  if (!service['name']) c.required(`${field}.service.name`);
  else dns1035Label(c, `${field}.service.name`, String(service['name']));
  const port = isObject(service['port']) ? service['port'] : {};
  if (port['name'] === undefined && port['number'] === undefined) c.invalid(`${field}.service.port`, port, 'port name or number is required');
  if (port['number'] !== undefined) portNumber(c, `${field}.service.port.number`, port['number']);
}

function validateIngress(c: Causes, object: KubeObject): void {
  const spec = isObject(object['spec']) ? object['spec'] : {};
  const rules = arr(spec['rules']);
  if (spec['defaultBackend'] === undefined && rules.length === 0) c.invalid('spec', render(spec), 'either `defaultBackend` or `rules` must be specified');
  if (spec['defaultBackend'] !== undefined) validateBackend(c, 'spec.defaultBackend', spec['defaultBackend']);
  if (typeof spec['ingressClassName'] === 'string') dns1123Subdomain(c, 'spec.ingressClassName', spec['ingressClassName']);
  rules.forEach((raw, i) => {
    const rule = isObject(raw) ? raw : {};
    const f = `spec.rules[${i}]`;
    if (typeof rule['host'] === 'string' && rule['host'] !== '') dns1123Subdomain(c, `${f}.host`, rule['host'].replace(/^\*\./, 'wildcard.'));
    if (rule['http'] === undefined) return;
    const paths = arr(get(rule, 'http', 'paths'));
    if (paths.length === 0) c.required(`${f}.http.paths`);
    paths.forEach((rawPath, j) => {
      const p = isObject(rawPath) ? rawPath : {};
      const pf = `${f}.http.paths[${j}]`;
      const pathType = p['pathType'];
      if (pathType === undefined) c.required(`${pf}.pathType`, 'pathType must be specified');
      else if (!PATH_TYPES.includes(String(pathType))) c.unsupported(`${pf}.pathType`, pathType, PATH_TYPES);
      if ((pathType === 'Exact' || pathType === 'Prefix') && !String(p['path'] ?? '').startsWith('/')) c.invalid(`${pf}.path`, p['path'] ?? '', 'must be an absolute path');
      validateBackend(c, `${pf}.backend`, p['backend']);
    });
  });
}

function validateEvent(c: Causes, object: KubeObject): void {
  const involvedNs = get(object, 'involvedObject', 'namespace');
  if (typeof involvedNs === 'string' && involvedNs !== '' && involvedNs !== object.metadata.namespace) c.invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
}

/** Field causes for a built-in object of `kind` (empty when valid); `old` is set on updates. */
export function validateBuiltin(kind: string, object: KubeObject, old: KubeObject | undefined): Causes {
  const c = new Causes();
  validateMeta(c, kind, object);
  switch (kind) {
    case 'Deployment':
      validateDeployment(c, object, old);
      break;
    case 'DaemonSet':
      validateDaemonSet(c, object, old);
      break;
    case 'ReplicaSet':
      nonNegative(c, 'spec.replicas', get(object, 'spec', 'replicas'));
      validateSelectorAndTemplate(c, 'ReplicaSet', isObject(object['spec']) ? object['spec'] : {}, old);
      break;
    case 'Pod':
      validatePodSpec(c, 'spec', object['spec']);
      break;
    case 'Service':
      validateService(c, object, old);
      break;
    case 'ConfigMap':
      validateData(c, object, old, false);
      break;
    case 'Secret':
      validateData(c, object, old, true);
      break;
    case 'HorizontalPodAutoscaler':
      validateHpa(c, object);
      break;
    case 'Ingress':
      validateIngress(c, object);
      break;
    case 'Event':
      validateEvent(c, object);
      break;
    default:
      break;
  }
  return c;
}
