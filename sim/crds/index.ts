/**
 * CRD fixtures for the emulator: Flagger's own (`flagger.app`, from `infra/cluster/crds.yaml`) and the
 * router, mesh and autoscaler kinds Fledge supports.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../emulator/types.ts';
import { ROUTER_KINDS, crdFor } from './routers.ts';

export { ROUTER_KINDS, crdFor } from './routers.ts';
export type { CrdSpec } from './routers.ts';

const FLAGGER_CRDS = new URL('../../infra/cluster/crds.yaml', import.meta.url);

/** Flagger's CRDs (Canary, MetricTemplate, AlertProvider of `flagger.app/v1beta1`) as the project ships them. */
export function flaggerCrds(): KubeObject[] {
  return parseAllDocuments(readFileSync(FLAGGER_CRDS, 'utf8'))
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null && o.kind === 'CustomResourceDefinition');
}

/**
 * CRDs of the router and autoscaler kinds, for all providers or the ones named
 * (`istio`, `gatewayapi`, `smi`, `contour`, `traefik`, `gloo`, `kuma`, `apisix`, `appmesh`, `knative`, `alb`, `keda`).
 */
export function routerCrds(providers: readonly string[] = Object.keys(ROUTER_KINDS)): KubeObject[] {
  return providers.flatMap((p) => {
    const kinds = ROUTER_KINDS[p];
    if (!kinds) throw new Error(`unknown provider "${p}": expected one of ${Object.keys(ROUTER_KINDS).join(', ')}`);
    return kinds.map(crdFor);
  });
}

/** Keptn's metric kinds (`metrics.keptn.sh/v1beta1` KeptnMetric and Analysis), which the `keptn` metric provider reads and creates. */
export function keptnCrds(): KubeObject[] {
  return [
    crdFor({ group: 'metrics.keptn.sh', versions: ['v1beta1'], kind: 'KeptnMetric', plural: 'keptnmetrics' }),
    crdFor({ group: 'metrics.keptn.sh', versions: ['v1beta1'], kind: 'Analysis', plural: 'analyses' }),
  ];
}

/** Flagger's CRDs and every router kind: what a scenario cluster starts with (pass them as `startEmulator`'s `crds`). */
export function standardCrds(): KubeObject[] {
  return [...flaggerCrds(), ...routerCrds()];
}
