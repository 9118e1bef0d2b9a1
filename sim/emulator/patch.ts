import { ApiError, badRequest } from './errors.ts';
import { clone, jsonEqual } from './meta.ts';

type Json = unknown;
type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** 422 for a patch that decodes but cannot be applied, as the API server answers (`NewGenericServerResponse(422)`). */
function unprocessable(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw unprocessable(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The container that holds `path`'s last segment, and that segment. */
function parent(doc: Json, path: string[], op: string, pointer: string): { container: JsonObject | Json[]; key: string } {
  let node: Json = doc;
  for (const segment of path.slice(0, -1)) {
    if (Array.isArray(node)) node = node[arrayIndex(segment, node.length - 1, op, pointer)];
    else if (isObject(node) && Object.hasOwn(node, segment)) node = node[segment];
    else throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
    if (node === undefined) throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  }
  if (!Array.isArray(node) && !isObject(node)) throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  return { container: node, key: path[path.length - 1] ?? '' };
}

function arrayIndex(segment: string, max: number, op: string, pointer: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(segment) || Number(segment) > max) throw unprocessable(`${op} operation does not apply: doc is missing path: "${pointer}": invalid index referenced: ${segment}`);
  return Number(segment);
}

function read(doc: Json, pointer: string, op: string): Json {
  const path = parsePointer(pointer);
  if (path.length === 0) return doc;
  const { container, key } = parent(doc, path, op, pointer);
  if (Array.isArray(container)) return container[arrayIndex(key, container.length - 1, op, pointer)];
  if (!Object.hasOwn(container, key)) throw unprocessable(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
  return container[key];
}

function add(doc: Json, pointer: string, value: Json, op = 'add'): Json {
  const path = parsePointer(pointer);
  if (path.length === 0) return value;
  const { container, key } = parent(doc, path, op, pointer);
  if (Array.isArray(container)) {
    const index = key === '-' ? container.length : arrayIndex(key, container.length, op, pointer);
    container.splice(index, 0, value);
  } else container[key] = value;
  return doc;
}

function remove(doc: Json, pointer: string, op = 'remove'): Json {
  const path = parsePointer(pointer);
  const { container, key } = parent(doc, path, op, pointer);
  if (Array.isArray(container)) container.splice(arrayIndex(key, container.length - 1, op, pointer), 1);
  else {
    if (!Object.hasOwn(container, key)) throw unprocessable(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
    delete container[key];
  }
  return doc;
}

/**
 * Applies an RFC 6902 JSON patch. A body that is not an array of operations is a 400; an operation that
 * does not apply (missing path, failed `test`) is a 422, as on a real API server.
 */
export function applyJsonPatch(document: Json, patch: unknown): Json {
  if (!Array.isArray(patch)) throw badRequest(`json: cannot unmarshal ${isObject(patch) ? 'object' : typeof patch} into Go value of type jsonpatch.Patch`);
  let doc = clone(document);
  for (const [i, raw] of patch.entries()) {
    if (!isObject(raw) || typeof raw['op'] !== 'string' || typeof raw['path'] !== 'string') throw badRequest(`invalid JSON patch operation at index ${i}: need "op" and "path"`);
    const { op, path } = raw as { op: string; path: string };
    const from = typeof raw['from'] === 'string' ? raw['from'] : undefined;
    const needsValue = op === 'add' || op === 'replace' || op === 'test';
    if (needsValue && !Object.hasOwn(raw, 'value')) throw unprocessable(`Unexpected kind: ${op} operation at index ${i} has no "value"`);
    switch (op) {
      case 'add':
        doc = add(doc, path, clone(raw['value']));
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace':
        read(doc, path, 'replace');
        doc = parsePointer(path).length === 0 ? clone(raw['value']) : add(remove(doc, path, 'replace'), path, clone(raw['value']), 'replace');
        break;
      case 'move': {
        if (from === undefined) throw unprocessable(`move operation at index ${i} has no "from"`);
        const value = read(doc, from, 'move');
        doc = add(remove(doc, from, 'move'), path, value, 'move');
        break;
      }
      case 'copy': {
        if (from === undefined) throw unprocessable(`copy operation at index ${i} has no "from"`);
        doc = add(doc, path, clone(read(doc, from, 'copy')), 'copy');
        break;
      }
      case 'test':
        if (!jsonEqual(read(doc, path, 'test'), raw['value'])) throw unprocessable(`testing value ${path} failed: test failed`);
        break;
      default:
        throw unprocessable(`Unexpected kind: ${op}`);
    }
  }
  return doc;
}

/** Applies an RFC 7386 JSON merge patch: objects merge, `null` deletes, everything else replaces. */
export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? clone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
