/**
 * The primary's pod template, built from the target's: tracked configs rewired to their `-primary` copies,
 * pod anti-affinity and topology spread selectors pointed at the primary's pods, the selector label set to
 * `<value>-primary`, and a `flagger-id` annotation that changes with every promoted revision.
 */
import { canonicalJson } from '../json.ts';
import { makePrimaryLabels, makePrimaryPodAnnotations, type SelectorLabel } from './labels.ts';
import { rewireConfigs } from './configs.ts';
import type { LabelSelector, PodSpec, PodTemplateSpec } from './objects.ts';

/** What decides how a target's template becomes the primary's. */
export interface PrimaryTemplateInput {
  /** The target's pod template. */
  readonly template: PodTemplateSpec;
  /** The target's name (Flagger matches anti-affinity values against it). */
  readonly targetName: string;
  /** The target's selector label and value. */
  readonly selector: SelectorLabel;
  /** Every selector label name the controller recognises (Flagger's `-selector-labels`). */
  readonly selectorLabels: readonly string[];
  /** Keys (`configmap/<name>`) of the configs copied for the primary. */
  readonly tracked: ReadonlySet<string>;
  /** The revision being promoted: the target's template hash and tracked config checksums. */
  readonly revisionSeed: string;
}

/** The seed of `flagger-id`: one value per (template, config contents) pair. */
export function revisionSeed(targetHash: string, trackedConfigs: Readonly<Record<string, string>>): string {
  return `${targetHash}:${canonicalJson(trackedConfigs)}`;
}

/**
 * `selector` with values naming the target's pods (the target name or its selector value, under a selector
 * label key) renamed to the primary's (`-primary`), so the primary spreads against its own pods.
 */
function rewriteSelector(selector: LabelSelector | undefined, input: PrimaryTemplateInput): void {
  if (!selector) return;
  const targets = new Set([input.targetName, input.selector.value]);
  for (const expression of selector.matchExpressions ?? []) {
    if (!input.selectorLabels.includes(expression.key) || !expression.values) continue;
    expression.values = expression.values.map((value) => (targets.has(value) ? `${value}-primary` : value));
  }
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (input.selectorLabels.includes(key) && targets.has(value) && selector.matchLabels) selector.matchLabels[key] = `${value}-primary`;
  }
}

/** The primary's pod spec: configs rewired, anti-affinity and topology spread selectors rewritten. */
export function primaryPodSpec(input: PrimaryTemplateInput): PodSpec {
  const spec = rewireConfigs(input.template.spec, input.tracked);
  for (const constraint of spec.topologySpreadConstraints ?? []) rewriteSelector(constraint.labelSelector, input);
  const antiAffinity = spec.affinity?.podAntiAffinity;
  for (const term of antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) rewriteSelector(term.labelSelector, input);
  for (const term of antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) rewriteSelector(term.podAffinityTerm.labelSelector, input);
  return spec;
}

/** The primary's pod template (Flagger copies only labels and annotations of the template metadata). */
export function primaryTemplate(input: PrimaryTemplateInput): PodTemplateSpec {
  return {
    metadata: {
      labels: makePrimaryLabels(input.template.metadata?.labels, input.selector.label, `${input.selector.value}-primary`),
      annotations: makePrimaryPodAnnotations(input.template.metadata?.annotations, input.revisionSeed),
    },
    spec: primaryPodSpec(input),
  };
}
