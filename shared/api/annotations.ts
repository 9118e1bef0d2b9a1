/**
 * Fledge-only knobs. Flagger's CRD prunes unknown spec fields, so Fledge reads its own settings from
 * annotations named `fledge.dev/<knob>` on the Canary, parsed and validated with the rest of the object.
 */
import type { FieldIssue } from './paths.ts';
import { notOneOf } from './messages.ts';
import { formatPath, isRecord } from './paths.ts';

/** The annotation prefix of Fledge's knobs. */
export const FLEDGE_ANNOTATION_PREFIX = 'fledge.dev/';

/**
 * What to do when the primary does not become ready after promotion:
 * `restore` rolls the primary back to the last promoted pod template and returns traffic to it once ready;
 * `hold` keeps traffic on the canary and waits for an operator (Flagger's behaviour).
 */
export const PROMOTION_FAILURE_POLICIES = ['restore', 'hold'] as const;
/** One of {@link PROMOTION_FAILURE_POLICIES}. */
export type PromotionFailurePolicy = (typeof PROMOTION_FAILURE_POLICIES)[number];

/** The Fledge knobs of one Canary, defaults applied. */
export interface FledgeOptions {
  /**
   * `fledge.dev/promotion-failure`: reaction to a primary that fails to become ready after promotion.
   * @default 'restore'
   */
  readonly promotionFailure: PromotionFailurePolicy;
}

/** The known annotations, each with its parser. */
const KNOBS = {
  'promotion-failure': 'restore | hold (default restore)',
} as const;

/** Default knob values. */
export const DEFAULT_FLEDGE_OPTIONS: FledgeOptions = { promotionFailure: 'restore' };

/** The result of reading the Fledge annotations. */
export interface FledgeOptionsResult {
  readonly options: FledgeOptions;
  readonly errors: FieldIssue[];
  readonly warnings: FieldIssue[];
}

/**
 * Reads the `fledge.dev/*` annotations of `metadata`. Invalid values are errors naming the annotation;
 * unknown `fledge.dev/` keys are warnings (a typo would otherwise be silently ignored).
 * @example parseFledgeOptions({ annotations: { 'fledge.dev/promotion-failure': 'hold' } }).options.promotionFailure // 'hold'
 */
export function parseFledgeOptions(metadata: unknown): FledgeOptionsResult {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  let promotionFailure = DEFAULT_FLEDGE_OPTIONS.promotionFailure;
  const annotations = isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
  for (const [key, value] of Object.entries(annotations)) {
    if (!key.startsWith(FLEDGE_ANNOTATION_PREFIX)) continue;
    const path = formatPath(['metadata', 'annotations', key]);
    const knob = key.slice(FLEDGE_ANNOTATION_PREFIX.length);
    if (knob === 'promotion-failure') {
      if ((PROMOTION_FAILURE_POLICIES as readonly unknown[]).includes(value)) {
        promotionFailure = value as PromotionFailurePolicy;
      } else {
        errors.push({ path, message: notOneOf(PROMOTION_FAILURE_POLICIES, value) });
      }
    } else {
      const known = Object.entries(KNOBS).map(([name, values]) => `${FLEDGE_ANNOTATION_PREFIX}${name}: ${values}`);
      warnings.push({ path, message: `is not a Fledge setting; ignored (known: ${known.join('; ')})` });
    }
  }
  return { options: { promotionFailure }, errors, warnings };
}
