import type { ImageBehaviour, ResolvedImageBehaviour } from './types.ts';

/** Behaviour of an image the scenario does not list (`SCENARIOS.md`, world rules). */
export const DEFAULT_IMAGE_BEHAVIOUR: ResolvedImageBehaviour = Object.freeze({
  readyAfterTicks: 0,
  neverReady: false,
  crashLoop: false,
  errorRate: 0,
  latencyMs: 50,
});

/** One problem in `world.images`: the field path and what is wrong with its value. */
export interface ImageBehaviourIssue {
  readonly path: string;
  readonly message: string;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/** Every invalid field of an `images` table, each naming the value received and the one expected. */
export function imageBehaviourIssues(images: unknown): ImageBehaviourIssue[] {
  if (images === undefined) return [];
  if (typeof images !== 'object' || images === null || Array.isArray(images)) return [{ path: 'images', message: `expected a map of image to behaviour, got ${show(images)}` }];
  const issues: ImageBehaviourIssue[] = [];
  for (const [image, raw] of Object.entries(images)) {
    const at = `images[${JSON.stringify(image)}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push({ path: at, message: `expected an object, got ${show(raw)}` });
      continue;
    }
    const b = raw as Record<string, unknown>;
    for (const key of Object.keys(b)) {
      if (!(key in DEFAULT_IMAGE_BEHAVIOUR)) issues.push({ path: `${at}.${key}`, message: `unknown field; expected one of ${Object.keys(DEFAULT_IMAGE_BEHAVIOUR).join(', ')}` });
    }
    const n = b['readyAfterTicks'];
    if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n >= 0)) issues.push({ path: `${at}.readyAfterTicks`, message: `expected a non-negative integer, got ${show(n)}` });
    for (const flag of ['neverReady', 'crashLoop'] as const) {
      if (b[flag] !== undefined && typeof b[flag] !== 'boolean') issues.push({ path: `${at}.${flag}`, message: `expected a boolean, got ${show(b[flag])}` });
    }
    const e = b['errorRate'];
    if (e !== undefined && !(typeof e === 'number' && e >= 0 && e <= 1)) issues.push({ path: `${at}.errorRate`, message: `expected a number from 0 to 1, got ${show(e)}` });
    const l = b['latencyMs'];
    if (l !== undefined && !(typeof l === 'number' && Number.isFinite(l) && l >= 0)) issues.push({ path: `${at}.latencyMs`, message: `expected a non-negative number, got ${show(l)}` });
  }
  return issues;
}

/** Looks up image behaviours, filling in the defaults. */
export class ImageBook {
  private readonly images: ReadonlyMap<string, ResolvedImageBehaviour>;

  constructor(images: Readonly<Record<string, ImageBehaviour>> = {}) {
    this.images = new Map(Object.entries(images).map(([image, b]) => [image, resolve(b)]));
  }

  /** The behaviour of `image`, or the defaults when it is not listed. */
  behaviour(image: string | undefined): ResolvedImageBehaviour {
    return (image !== undefined ? this.images.get(image) : undefined) ?? DEFAULT_IMAGE_BEHAVIOUR;
  }
}

function resolve(b: ImageBehaviour): ResolvedImageBehaviour {
  const out = { ...DEFAULT_IMAGE_BEHAVIOUR };
  for (const key of Object.keys(DEFAULT_IMAGE_BEHAVIOUR) as Array<keyof ImageBehaviour>) {
    if (b[key] !== undefined) (out as Record<string, unknown>)[key] = b[key];
  }
  return Object.freeze(out);
}
