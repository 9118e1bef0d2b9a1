import { serverSideApply } from './apply.ts';
import { ApiError, badRequest } from './errors.ts';
import { current, write } from './handlers.ts';
import type { RestContext, RestResponse, Target } from './handlers.ts';
import { applyJsonPatch, applyMergePatch } from './patch.ts';
import { scaleOf, writeScale } from './scale.ts';
import { applyStrategicMergePatch } from './strategic.ts';
import type { KubeObject } from './types.ts';

/** The patch media types a real API server accepts. */
export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

function unsupported(accepted: readonly string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
}

function applyPatch(contentType: string, kind: string, document: unknown, raw: string): unknown {
  const body = parseJson(raw);
  if (contentType === PATCH_TYPES.json) return applyJsonPatch(document, body);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest(`error decoding patch: a ${contentType} patch must be a JSON object`);
  if (contentType === PATCH_TYPES.merge) return applyMergePatch(document, body);
  return applyStrategicMergePatch(kind, document, body);
}

/**
 * PATCH of an object, its status or its scale, by content type: JSON patch, merge patch, strategic merge
 * patch (built-in kinds only, 415 for custom resources as on a real server) and server-side apply; anything
 * else is a 415.
 */
export function patch(ctx: RestContext, t: Target, raw: string): RestResponse {
  const accepted = t.type.custom ? [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply] : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply, PATCH_TYPES.strategic];
  const contentType = t.req.contentType;
  if (!accepted.includes(contentType as never)) throw unsupported(accepted);
  if (t.req.query.get('force') !== null && contentType !== PATCH_TYPES.apply) throw badRequest('force is only allowed for apply patches');
  if (contentType === PATCH_TYPES.apply) {
    if (t.req.path.subresource === 'scale') throw unsupported([PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.strategic]);
    return serverSideApply(ctx, t, raw);
  }
  const old = current(ctx, t);
  if (t.req.path.subresource === 'scale') {
    const patched = applyPatch(contentType, 'Scale', scaleOf(t, old), raw);
    return { status: 200, body: writeScale(ctx, t, patched) };
  }
  const patched = applyPatch(contentType, t.type.kind, old, raw) as KubeObject;
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) throw new ApiError(422, 'Invalid', 'the patched document is not an object');
  if (patched.metadata?.name !== old.metadata.name || patched.metadata.namespace !== old.metadata.namespace) {
    throw new ApiError(422, 'Invalid', `metadata.name/metadata.namespace: Invalid value: the patch may not change the object's name or namespace`);
  }
  return { status: 200, body: write(ctx, t, old, patched) };
}
