/**
 * Whether updating a workload's pod template leaves it with no available pod for a while, read from its
 * update strategy the way the Kubernetes Deployment and DaemonSet controllers resolve it. A primary updated
 * that way cannot serve the traffic it carries until its new pods are ready (seed 000: the Recreate outage).
 */

/**
 * A Kubernetes IntOrString (`2` or `"25%"`) resolved against `total`, as `intstr.GetScaledValueFromIntOrPercent`
 * does: a percentage is rounded up or down as asked. `undefined` when the value is absent or not one of these
 * (the API server refuses such objects; the caller then uses Kubernetes' default).
 */
export function scaledValue(value: unknown, total: number, roundUp: boolean): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)%$/.exec(value);
  if (match === null) return undefined;
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * A Deployment of `replicas` pods updated with `strategy` (`spec.strategy`) has no available pod during the
 * update: `Recreate`, or a `RollingUpdate` whose `maxUnavailable` covers every replica. As the Deployment
 * controller resolves it: `maxSurge` rounds up, `maxUnavailable` down, both default to 25%, and when both
 * come to 0 one pod may be unavailable.
 */
export function deploymentUpdateDisruptive(strategy: Readonly<Record<string, unknown>> | undefined, replicas: number): boolean {
  if (replicas <= 0) return false;
  if (strategy?.['type'] === 'Recreate') return true;
  const rolling = (strategy?.['rollingUpdate'] ?? {}) as Readonly<Record<string, unknown>>;
  const surge = scaledValue(rolling['maxSurge'] ?? '25%', replicas, true) ?? 0;
  let unavailable = scaledValue(rolling['maxUnavailable'] ?? '25%', replicas, false) ?? 0;
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return unavailable >= replicas;
}

/**
 * A DaemonSet scheduled on `desired` nodes updated with `updateStrategy` has no available pod during the
 * update: a `RollingUpdate` without surge (`maxSurge` 0, the default) whose `maxUnavailable` (default 1) covers
 * every node. Both round up, as the DaemonSet controller resolves them. With a surge the new pod is ready on a
 * node before the old one goes. (`OnDelete` never updates pods by itself; Fledge refuses it anyway.)
 */
export function daemonSetUpdateDisruptive(updateStrategy: Readonly<Record<string, unknown>> | undefined, desired: number): boolean {
  if (desired <= 0) return false;
  const type = updateStrategy?.['type'];
  if (type !== undefined && type !== '' && type !== 'RollingUpdate') return false;
  const rolling = (updateStrategy?.['rollingUpdate'] ?? {}) as Readonly<Record<string, unknown>>;
  const surge = scaledValue(rolling['maxSurge'] ?? 0, desired, true) ?? 0;
  if (surge > 0) return false;
  const unavailable = scaledValue(rolling['maxUnavailable'] ?? 1, desired, true) ?? 1;
  return unavailable >= desired;
}
