/**
 * JSON with object keys sorted at every level, so equal objects serialize equally whatever key order the API
 * server or a YAML file produced. `undefined` members are dropped as `JSON.stringify` does. Used to compare
 * desired and live objects and to hash them.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
}
