/**
 * Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the columns `kubectl get`
 * shows, as kube-apiserver computes them for built-in kinds and from a CRD's `additionalPrinterColumns`.
 */
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const get = (o: unknown, ...path: (string | number)[]): unknown => path.reduce<unknown>((n, k) => (isObject(n) || Array.isArray(n) ? (n as Obj)[k] : undefined), o);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const none = (v: unknown): string => (v === undefined || v === null || v === '' ? '<none>' : String(v));

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '').split(',')[0]?.includes('as=Table') === true;
}

/** kubectl's `HumanDuration`: `45s`, `5m30s`, `95m`, `3h20m`, `2d5h`, `400d`, `3y20d`. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24) % 365;
  if (hours < 24 * 365 * 8) return days === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${days}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

function age(object: KubeObject, now: Date): string {
  const created = object.metadata.creationTimestamp;
  return created ? humanDuration(now.getTime() - Date.parse(created)) : '<unknown>';
}

type Col = readonly [name: string, type: string, priority?: number];
interface Printer {
  readonly columns: readonly Col[];
  readonly cells: (o: KubeObject, now: Date) => unknown[];
}

function containersOf(spec: unknown): { names: string; images: string } {
  const cs = arr(get(spec, 'containers')).filter(isObject);
  return { names: cs.map((c) => c['name']).join(','), images: cs.map((c) => c['image']).join(',') };
}

function selectorText(selector: unknown): string {
  const labels = get(selector, 'matchLabels');
  return isObject(labels) ? Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',') : isObject(selector) ? Object.entries(selector).map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}

function podStatus(pod: KubeObject): { ready: string; status: string; restarts: number } {
  const statuses = arr(get(pod, 'status', 'containerStatuses')).filter(isObject);
  const total = arr(get(pod, 'spec', 'containers')).length;
  const ready = statuses.filter((s) => s['ready'] === true).length;
  const restarts = statuses.reduce((n, s) => n + num(s['restartCount']), 0);
  const waiting = statuses.map((s) => get(s, 'state', 'waiting', 'reason')).find((r) => typeof r === 'string');
  const status = pod.metadata.deletionTimestamp ? 'Terminating' : typeof waiting === 'string' ? waiting : String(get(pod, 'status', 'phase') ?? 'Pending');
  return { ready: `${ready}/${total}`, status, restarts };
}

const PRINTERS: Record<string, Printer> = {
  Deployment: {
    columns: [['Ready', 'string'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const c = containersOf(get(o, 'spec', 'template', 'spec'));
      return [`${num(get(o, 'status', 'readyReplicas'))}/${num(get(o, 'spec', 'replicas'))}`, num(get(o, 'status', 'updatedReplicas')), num(get(o, 'status', 'availableReplicas')), age(o, now), c.names, c.images, selectorText(get(o, 'spec', 'selector'))];
    },
  },
  ReplicaSet: {
    columns: [['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const c = containersOf(get(o, 'spec', 'template', 'spec'));
      return [num(get(o, 'spec', 'replicas')), num(get(o, 'status', 'replicas')), num(get(o, 'status', 'readyReplicas')), age(o, now), c.names, c.images, selectorText(get(o, 'spec', 'selector'))];
    },
  },
  DaemonSet: {
    columns: [['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Node Selector', 'string'], ['Age', 'string']],
    cells: (o, now) => [
      num(get(o, 'status', 'desiredNumberScheduled')), num(get(o, 'status', 'currentNumberScheduled')), num(get(o, 'status', 'numberReady')), num(get(o, 'status', 'updatedNumberScheduled')),
      num(get(o, 'status', 'numberAvailable')), none(isObject(get(o, 'spec', 'template', 'spec', 'nodeSelector')) ? selectorText(get(o, 'spec', 'template', 'spec', 'nodeSelector')) : undefined), age(o, now),
    ],
  },
  Pod: {
    columns: [['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1]],
    cells: (o, now) => {
      const s = podStatus(o);
      return [s.ready, s.status, String(s.restarts), age(o, now), none(get(o, 'status', 'podIP')), none(get(o, 'spec', 'nodeName'))];
    },
  },
  Service: {
    columns: [['Type', 'string'], ['Cluster-IP', 'string'], ['External-IP', 'string'], ['Port(s)', 'string'], ['Age', 'string'], ['Selector', 'string', 1]],
    cells: (o, now) => {
      const ports = arr(get(o, 'spec', 'ports')).filter(isObject).map((p) => `${String(p['port'])}${p['nodePort'] ? `:${String(p['nodePort'])}` : ''}/${String(p['protocol'] ?? 'TCP')}`);
      const lb = arr(get(o, 'status', 'loadBalancer', 'ingress')).filter(isObject).map((i) => i['ip'] ?? i['hostname']);
      const external = get(o, 'spec', 'type') === 'ExternalName' ? get(o, 'spec', 'externalName') : lb.length > 0 ? lb.join(',') : get(o, 'spec', 'type') === 'LoadBalancer' ? '<pending>' : undefined;
      return [get(o, 'spec', 'type') ?? 'ClusterIP', none(get(o, 'spec', 'clusterIP')), none(external), ports.length > 0 ? ports.join(',') : '<none>', age(o, now), selectorText(get(o, 'spec', 'selector'))];
    },
  },
  Namespace: { columns: [['Status', 'string'], ['Age', 'string']], cells: (o, now) => [get(o, 'status', 'phase') ?? 'Active', age(o, now)] },
  ConfigMap: { columns: [['Data', 'integer'], ['Age', 'string']], cells: (o, now) => [Object.keys({ ...(get(o, 'data') as Obj), ...(get(o, 'binaryData') as Obj) }).length, age(o, now)] },
  Secret: { columns: [['Type', 'string'], ['Data', 'integer'], ['Age', 'string']], cells: (o, now) => [get(o, 'type') ?? 'Opaque', Object.keys(isObject(get(o, 'data')) ? (get(o, 'data') as Obj) : {}).length, age(o, now)] },
  HorizontalPodAutoscaler: {
    columns: [['Reference', 'string'], ['Targets', 'string'], ['MinPods', 'string'], ['MaxPods', 'integer'], ['Replicas', 'integer'], ['Age', 'string']],
    cells: (o, now) => {
      const ref = get(o, 'spec', 'scaleTargetRef');
      const targets = arr(get(o, 'spec', 'metrics')).filter(isObject).map((m, i) => {
        const target = get(m, String(m['type'] ?? '').replace(/^./, (ch) => ch.toLowerCase()), 'target');
        const current = get(o, 'status', 'currentMetrics', i, 'resource', 'current', 'averageUtilization');
        const wanted = get(target, 'averageUtilization') ?? get(target, 'averageValue') ?? get(target, 'value');
        return `${current === undefined ? '<unknown>' : `${String(current)}%`}/${String(wanted)}${get(target, 'averageUtilization') !== undefined ? '%' : ''}`;
      });
      return [`${String(get(ref, 'kind'))}/${String(get(ref, 'name'))}`, targets.join(', ') || '<none>', String(get(o, 'spec', 'minReplicas') ?? 1), num(get(o, 'spec', 'maxReplicas')), num(get(o, 'status', 'currentReplicas')), age(o, now)];
    },
  },
  Ingress: {
    columns: [['Class', 'string'], ['Hosts', 'string'], ['Address', 'string'], ['Ports', 'string'], ['Age', 'string']],
    cells: (o, now) => {
      const hosts = arr(get(o, 'spec', 'rules')).filter(isObject).map((r) => r['host'] ?? '*');
      const address = arr(get(o, 'status', 'loadBalancer', 'ingress')).filter(isObject).map((i) => i['ip'] ?? i['hostname']);
      return [none(get(o, 'spec', 'ingressClassName')), hosts.join(',') || '*', address.join(','), arr(get(o, 'spec', 'tls')).length > 0 ? '80, 443' : '80', age(o, now)];
    },
  },
  CustomResourceDefinition: { columns: [['Created At', 'date']], cells: (o) => [o.metadata.creationTimestamp ?? null] },
  Event: {
    columns: [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Message', 'string'], ['Name', 'string', 1]],
    cells: (o, now) => {
      const last = get(o, 'lastTimestamp') ?? get(o, 'eventTime') ?? o.metadata.creationTimestamp;
      const involved = get(o, 'involvedObject') ?? get(o, 'regarding');
      return [typeof last === 'string' ? humanDuration(now.getTime() - Date.parse(last)) : '<unknown>', get(o, 'type') ?? '', get(o, 'reason') ?? '', `${String(get(involved, 'kind') ?? '').toLowerCase()}/${String(get(involved, 'name') ?? '')}`, get(o, 'message') ?? get(o, 'note') ?? '', o.metadata.name];
    },
  },
  Node: {
    columns: [['Status', 'string'], ['Roles', 'string'], ['Age', 'string'], ['Version', 'string']],
    cells: (o, now) => {
      const ready = arr(get(o, 'status', 'conditions')).filter(isObject).find((c) => c['type'] === 'Ready');
      return [ready?.['status'] === 'True' ? 'Ready' : 'NotReady', '<none>', age(o, now), none(get(o, 'status', 'nodeInfo', 'kubeletVersion'))];
    },
  },
};

/** Evaluates the JSONPath subset CRD printer columns use: `.a.b`, `.a[0].b`, `.a[?(@.type=="Ready")].status`. */
export function jsonPath(object: unknown, path: string): unknown {
  const tokens = path.replace(/^\./, '').match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  let node: unknown = object;
  for (const token of tokens) {
    if (node === undefined || node === null) return undefined;
    const filter = /^\[\?\(@\.([\w.-]+)\s*==\s*["']?([^"')]*)["']?\)\]$/.exec(token);
    if (filter) node = arr(node).find((item) => String(get(item, ...(filter[1] ?? '').split('.'))) === filter[2]);
    else if (/^\[\d+\]$/.test(token)) node = arr(node)[Number(token.slice(1, -1))];
    else node = get(node, token);
  }
  return node;
}

function customPrinter(columns: readonly PrinterColumn[]): Printer {
  return {
    columns: [...columns.map((c) => [c.name, c.type === 'date' ? 'string' : c.type, c.priority ?? 0] as const)],
    cells: (o, now) =>
      columns.map((c) => {
        const value = jsonPath(o, c.jsonPath);
        if (value === undefined || value === null) return null;
        if (c.type === 'date' && typeof value === 'string') return humanDuration(now.getTime() - Date.parse(value));
        return typeof value === 'object' ? JSON.stringify(value) : value;
      }),
  };
}

/**
 * A `meta.k8s.io/v1` Table of `objects` for `kubectl get`: the Name column, then the kind's columns (a CRD's
 * printer columns for `version`, else `Age`). Rows carry the objects' metadata as PartialObjectMetadata, or the
 * whole object with `includeObject=Object`.
 */
export function toTable(type: ResourceType, version: string, objects: readonly KubeObject[], listMeta: Obj, now: Date, includeObject: string | null): Obj {
  const printerColumns = type.columns?.[version];
  const printer = printerColumns && printerColumns.length > 0 ? customPrinter(printerColumns) : type.custom ? customPrinter([{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }]) : (PRINTERS[type.kind] ?? { columns: [['Age', 'string']], cells: (o: KubeObject, t: Date) => [age(o, t)] });
  const named = printer.columns.some(([name]) => name === 'Name');
  const columnDefinitions = [...(named ? [] : [['Name', 'string', 0] as const]), ...printer.columns].map(([name, kind, priority]) => ({ name, type: kind, format: name === 'Name' ? 'name' : '', description: name, priority: priority ?? 0 }));
  const rows = objects.map((o) => ({
    cells: named ? printer.cells(o, now) : [o.metadata.name, ...printer.cells(o, now)],
    object:
      includeObject === 'None'
        ? undefined
        : includeObject === 'Object'
          ? o
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
  }));
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions, rows };
}
