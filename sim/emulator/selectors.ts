import { badRequest } from './errors.ts';
import type { KubeObject } from './types.ts';

/** One requirement of a label selector. */
export type LabelRequirement =
  | { readonly op: 'exists' | '!exists'; readonly key: string }
  | { readonly op: '=' | '!='; readonly key: string; readonly value: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] };

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Parses a label selector in the API's string syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, joined by commas. A malformed selector is a 400, as on a real server.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  return splitTopLevel(text).map((part) => {
    const fail = (why: string) => badRequest(`unable to parse requirement: ${why}: "${part}"`);
    let m = /^!\s*(\S+)$/.exec(part);
    if (m?.[1] !== undefined) return check({ op: '!exists', key: m[1] }, fail);
    m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (m?.[1] !== undefined && m[3] !== undefined) {
      const values = m[3].split(',').map((v) => v.trim());
      return check({ op: m[2] as 'in' | 'notin', key: m[1], values }, fail);
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m?.[1] !== undefined && m[3] !== undefined) return check({ op: m[2] === '!=' ? '!=' : '=', key: m[1], value: m[3] }, fail);
    m = /^([^=!\s()]+)$/.exec(part);
    if (m?.[1] !== undefined) return check({ op: 'exists', key: m[1] }, fail);
    throw fail('found unexpected token');
  });
}

function check(req: LabelRequirement, fail: (why: string) => Error): LabelRequirement {
  if (!KEY.test(req.key)) throw fail(`invalid label key "${req.key}"`);
  const values = 'value' in req ? [req.value] : 'values' in req ? req.values : [];
  for (const v of values) if (!VALUE.test(v)) throw fail(`invalid label value: "${v}"`);
  return req;
}

/** Whether `labels` satisfy every requirement. */
export function matchesLabels(requirements: readonly LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && l[r.key] === r.value;
      case '!=':
        return !has || l[r.key] !== r.value;
      case 'in':
        return has && r.values.includes(l[r.key] ?? '');
      case 'notin':
        return !has || !r.values.includes(l[r.key] ?? '');
      default: {
        const never: never = r;
        return never;
      }
    }
  });
}

/** Renders a `LabelSelector` object (`matchLabels` / `matchExpressions`) in string syntax, as a Scale's `status.selector`. */
export function selectorToString(selector: unknown): string {
  const s = (selector ?? {}) as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> };
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = `(${[...(e.values ?? [])].sort().join(',')})`;
    if (e.operator === 'In') parts.push(`${e.key} in ${values}`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin ${values}`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

/** Field selectors every resource supports; kinds add their own below. */
const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];
const KIND_FIELDS: Record<string, readonly string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Event: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type', 'regarding.kind', 'regarding.name', 'regarding.namespace', 'regarding.uid'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  ReplicaSet: ['status.replicas'],
};

/** One `field=value` / `field!=value` requirement of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Parses a field selector for objects of `kind`; an unsupported field is a 400 as on a real server. */
export function parseFieldSelector(text: string, kind: string): FieldRequirement[] {
  const allowed = new Set([...COMMON_FIELDS, ...(KIND_FIELDS[kind] ?? [])]);
  return splitTopLevel(text).map((part) => {
    const m = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!m?.[1] || m[3] === undefined) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1].trim();
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, op: m[2] === '!=' ? '!=' : '=', value: m[3].trim() };
  });
}

/** Whether `object` satisfies every field requirement. */
export function matchesFields(requirements: readonly FieldRequirement[], object: KubeObject): boolean {
  return requirements.every((r) => {
    let value: unknown = object;
    for (const key of r.field.split('.')) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    const text = value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
    return r.op === '=' ? text === r.value : text !== r.value;
  });
}
