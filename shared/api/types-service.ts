/**
 * `Canary.spec.service` of `flagger.app/v1beta1`: the Services Flagger generates and the router settings
 * (Istio, Gateway API, Contour, App Mesh, …), field for field as in Flagger's CRD. Re-exported by `types.ts`.
 */
import type { CustomMetadata, StringMatch } from './types.ts';
import type { H2_UPGRADE_POLICIES, SIMPLE_LOAD_BALANCERS, TLS_MODES, TRAFFIC_DISTRIBUTIONS } from './types.ts';

/** One Istio HTTPMatchRequest of `spec.service.match`. */
export interface ServiceMatch {
  authority?: StringMatch;
  gateways?: string[];
  headers?: Record<string, StringMatch>;
  ignoreUriCase?: boolean;
  method?: StringMatch;
  name?: string;
  port?: number;
  queryParams?: Record<string, StringMatch>;
  scheme?: StringMatch;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  uri?: StringMatch;
  withoutHeaders?: Record<string, StringMatch>;
}

/** `spec.service.retries` (Istio HTTPRetry). */
export interface HttpRetry {
  attempts?: number;
  perTryTimeout?: string;
  retryOn?: string;
}

/** `spec.service.rewrite`. */
export interface HttpRewrite {
  uri?: string;
  authority?: string;
  type?: string;
}

/** Gateway API BackendObjectReference of a mirror filter. */
export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
}

/** One `spec.service.mirror` filter (Gateway API). */
export interface ServiceMirror {
  backendRef: BackendRef;
}

/** Header add/set/remove operations. */
export interface HeaderOperations {
  add?: Record<string, string>;
  remove?: string[];
  set?: Record<string, string>;
}

/** `spec.service.headers`: request and response header operations. */
export interface ServiceHeaders {
  request?: HeaderOperations;
  response?: HeaderOperations;
}

/** One Gateway API ParentReference of `spec.service.gatewayRefs`. */
export interface GatewayRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  sectionName?: string;
  port?: number;
}

/** `spec.service.corsPolicy` (Istio CorsPolicy). */
export interface CorsPolicy {
  allowCredentials?: boolean;
  allowHeaders?: string[];
  allowMethods?: string[];
  allowOrigin?: string[];
  allowOrigins?: StringMatch[];
  exposeHeaders?: string[];
  maxAge?: string;
}

/** `spec.service.trafficPolicy.connectionPool.http`. */
export interface HttpConnectionPool {
  h2UpgradePolicy?: (typeof H2_UPGRADE_POLICIES)[number];
  http1MaxPendingRequests?: number;
  http2MaxRequests?: number;
  idleTimeout?: string;
  maxRequestsPerConnection?: number;
  maxRetries?: number;
}

/** `spec.service.trafficPolicy.loadBalancer.consistentHash.httpCookie`. */
export interface HttpCookie {
  name?: string;
  path?: string;
  ttl?: string;
}

/** `spec.service.trafficPolicy.loadBalancer.consistentHash`: exactly one hash key. */
export interface ConsistentHash {
  httpCookie?: HttpCookie;
  httpHeaderName?: string;
  httpQueryParameterName?: string;
  minimumRingSize?: number;
  useSourceIp?: boolean;
}

/** Locality traffic distribution entry. */
export interface LocalityDistribute {
  from?: string;
  to?: Record<string, number>;
}

/** Locality failover entry. */
export interface LocalityFailover {
  from?: string;
  to?: string;
}

/** `spec.service.trafficPolicy.loadBalancer.localityLbSetting`. */
export interface LocalityLbSetting {
  distribute?: LocalityDistribute[];
  enabled?: boolean;
  failover?: LocalityFailover[];
}

/** `spec.service.trafficPolicy.loadBalancer`: `simple` or `consistentHash`. */
export interface LoadBalancer {
  consistentHash?: ConsistentHash;
  localityLbSetting?: LocalityLbSetting;
  simple?: (typeof SIMPLE_LOAD_BALANCERS)[number];
  warmupDurationSecs?: string;
}

/** `spec.service.trafficPolicy.outlierDetection`. */
export interface OutlierDetection {
  baseEjectionTime?: string;
  consecutive5xxErrors?: number;
  consecutiveErrors?: number;
  consecutiveGatewayErrors?: number;
  consecutiveLocalOriginFailures?: number;
  interval?: string;
  maxEjectionPercent?: number;
  minHealthPercent?: number;
  splitExternalLocalOriginErrors?: boolean;
}

/** `spec.service.trafficPolicy.tls`. */
export interface ClientTls {
  caCertificates?: string;
  clientCertificate?: string;
  mode?: (typeof TLS_MODES)[number];
  privateKey?: string;
  sni?: string;
  subjectAltNames?: string[];
}

/** `spec.service.trafficPolicy` (Istio DestinationRule traffic policy). */
export interface TrafficPolicy {
  connectionPool?: { http?: HttpConnectionPool };
  loadBalancer?: LoadBalancer;
  outlierDetection?: OutlierDetection;
  tls?: ClientTls;
}

/** `spec.unmanagedMetadata`-style key lists Flagger leaves alone on generated objects. */
export interface UnmanagedMetadata {
  annotations?: string[];
  labels?: string[];
}

/** `spec.service`: the Services and router objects Flagger generates. */
export interface CanaryService {
  name?: string;
  port: number;
  /** @default 'http' */
  portName?: string;
  appProtocol?: string;
  trafficDistribution?: (typeof TRAFFIC_DISTRIBUTIONS)[number];
  /** Container port number or name. @default the value of `port` */
  targetPort?: number | string;
  portDiscovery?: boolean;
  headless?: boolean;
  timeout?: string;
  backendTimeout?: string;
  meshName?: string;
  backends?: string[];
  hosts?: string[];
  delegation?: boolean;
  match?: ServiceMatch[];
  retries?: HttpRetry;
  rewrite?: HttpRewrite;
  mirror?: ServiceMirror[];
  headers?: ServiceHeaders;
  gateways?: string[];
  gatewayRefs?: GatewayRef[];
  corsPolicy?: CorsPolicy;
  trafficPolicy?: TrafficPolicy;
  apex?: CustomMetadata;
  primary?: CustomMetadata;
  canary?: CustomMetadata;
  unmanagedMetadata?: UnmanagedMetadata;
}
