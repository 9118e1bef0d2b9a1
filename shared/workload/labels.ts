/**
 * Label and annotation handling of the objects Flagger generates: the selector label lookup, the primary's
 * labels, which metadata is copied, and the owner reference to the Canary.
 */
import type { Canary } from '../api/types.ts';
import type { OwnerReference } from '../kube/types.ts';
import { derivedId } from './hash.ts';
import type { LabelSelector } from './objects.ts';

/** Flagger's default `-selector-labels`: the selector label names looked for, in order. */
export const DEFAULT_SELECTOR_LABELS = ['app', 'name', 'app.kubernetes.io/name'] as const;

/** The pod annotation whose change forces the primary to roll on promotion. */
export const FLAGGER_ID_ANNOTATION = 'flagger-id';

/** Metadata keys containing this marker belong to Flux and are never copied to generated objects. */
const TOOLKIT_MARKER = 'toolkit.fluxcd.io';

/** The selector label of a workload and its value, e.g. `{label: 'app', value: 'podinfo'}`. */
export interface SelectorLabel {
  readonly label: string;
  readonly value: string;
}

/** The first of `labels` found in `selector.matchLabels`, or `undefined`. */
export function findSelectorLabel(selector: LabelSelector | undefined, labels: readonly string[]): SelectorLabel | undefined {
  for (const label of labels) {
    const value = selector?.matchLabels?.[label];
    if (value !== undefined) return { label, value };
  }
  return undefined;
}

/** `labels` with Flux's keys dropped and `label` set to `value` (Flagger's makePrimaryLabels). */
export function makePrimaryLabels(labels: Readonly<Record<string, string>> | undefined, label: string, value: string): Record<string, string> {
  const out = filterMetadata(labels);
  out[label] = value;
  return out;
}

/** `metadata` without Flux's keys (Flagger's filterMetadata for workloads). */
export function filterMetadata(metadata: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) if (!key.includes(TOOLKIT_MARKER)) out[key] = value;
  return out;
}

/**
 * The entries of `metadata` whose key starts with one of `prefixes` (`*` takes all), Flux's keys excepted.
 * Flagger's `-include-label-prefix`; with no prefixes nothing is copied.
 */
export function includeByPrefix(metadata: Readonly<Record<string, string>> | undefined, prefixes: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (key.includes(TOOLKIT_MARKER)) continue;
    if (prefixes.some((prefix) => prefix === '*' || (prefix !== '' && key.startsWith(prefix)))) out[key] = value;
  }
  return out;
}

/** Pod template annotations of the primary: the target's (Flux's dropped) plus a `flagger-id` derived from `seed`. */
export function makePrimaryPodAnnotations(annotations: Readonly<Record<string, string>> | undefined, seed: string): Record<string, string> {
  const out = filterMetadata(annotations);
  delete out[FLAGGER_ID_ANNOTATION];
  out[FLAGGER_ID_ANNOTATION] = derivedId(seed);
  return out;
}

/** The controller owner reference to `canary` that generated objects carry, or none when the Canary has no uid yet. */
export function canaryOwnerReferences(canary: Canary): OwnerReference[] {
  const uid = canary.metadata.uid;
  if (!uid || !canary.metadata.name) return [];
  return [{ apiVersion: canary.apiVersion, kind: 'Canary', name: canary.metadata.name, uid, controller: true, blockOwnerDeletion: true }];
}

/** The namespace of `canary`; `default` when the manifest left it out. */
export function canaryNamespace(canary: Canary): string {
  return canary.metadata.namespace || 'default';
}

/** `<target>-primary`. */
export function primaryName(canary: Canary): string {
  return `${canary.spec.targetRef.name}-primary`;
}
