/**
 * Istio's TCP routing (Flagger's `appProtocol: tcp`): a VirtualService `tcp` route whose match is the ports of
 * `service.match` and whose destinations are weighted like the HTTP route's. TCP has no headers, so neither
 * A/B matches, mirroring nor session affinity exist there; validation refuses them.
 */
import type { RouteReading, RouteSpec } from '../api/routes.ts';
import type { Canary } from '../api/types.ts';
import { RouterError } from './errors.ts';
import { dotted, serviceNames } from './names.ts';

/** One `tcp[]` route. */
export interface TcpRoute {
  match?: { port: number }[];
  route: { destination: { host: string; port?: { number: number } }; weight?: number }[];
  [field: string]: unknown;
}

/** True when the Canary's Services speak TCP (`service.appProtocol: tcp`, any case). */
export function isTcp(canary: Canary): boolean {
  return canary.spec.service?.appProtocol?.toLowerCase() === 'tcp';
}

/** The `tcp` routes for `routes`. */
export function tcpRoutes(canary: Canary, routes: RouteSpec): TcpRoute[] {
  const names = serviceNames(canary);
  if ((routes.match?.length ?? 0) > 0 || routes.mirrored || routes.session?.canary) {
    throw new RouterError(`VirtualService ${dotted(canary, names.apex)}: a TCP service (appProtocol: tcp) cannot route on matches, mirror or cookies`);
  }
  const ports = (canary.spec.service?.match ?? []).filter((m) => typeof m.port === 'number').map((m) => ({ port: m.port as number }));
  return [
    {
      ...(ports.length > 0 ? { match: ports } : {}),
      route: [
        { destination: { host: names.primary }, weight: routes.primary },
        { destination: { host: names.canary }, weight: routes.canary },
      ],
    },
  ];
}

/** The split the `tcp` routes give. */
export function readTcpRoutes(canary: Canary, tcp: readonly TcpRoute[] | undefined): RouteReading {
  const names = serviceNames(canary);
  const route = (tcp ?? []).find((r) => r.route?.some((d) => d.destination.host === names.primary));
  const weight = (host: string): number => route?.route.find((d) => d.destination.host === host)?.weight ?? 0;
  const primary = weight(names.primary);
  const canaryWeight = weight(names.canary);
  if (primary + canaryWeight === 0) return { ok: false, reason: `VirtualService ${dotted(canary, names.apex)} does not contain TCP routes for ${names.primary} and ${names.canary}` };
  return { ok: true, primary, canary: canaryWeight, mirrored: false, matched: null };
}
