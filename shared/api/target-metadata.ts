/**
 * What a router needs to know of the Canary's target to build its Services: the selector label and value the
 * workload room reads from the target, and the ports it discovered.
 */
export interface TargetMetadata {
  /** The selector label of the target's pods, e.g. `app` (Flagger's `-selector-labels`). */
  readonly label: string;
  /** That label's value on the target's pods; the primary's pods carry `<value>-primary`. */
  readonly labelValue: string;
  /** Extra container ports (`portDiscovery`), name → port. Empty unless discovery is on. */
  readonly ports: Readonly<Record<string, number>>;
}
