/**
 * JSON with object keys sorted at every level, so equal values serialize equally whatever key order the API
 * server, a YAML file or a builder produced. `undefined` members are dropped and `undefined` array items and
 * values become `null`, as `JSON.stringify` does. The one serialization Fledge compares and hashes with: the
 * engine (checksums), workloads and routers (desired vs live) and the simulated controllers.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
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
