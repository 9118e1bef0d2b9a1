/**
 * Schema of `Canary.spec.service`: the Services Flagger generates and the router settings (Istio
 * VirtualService/DestinationRule, Gateway API HTTPRoute, Contour, App Mesh, Kuma metadata, …).
 */
import type { Schema } from './schema-common.ts';
import {
  bool,
  customMetadata,
  GROUP_PATTERN,
  int,
  intOrString,
  KIND_PATTERN,
  list,
  map,
  NAMESPACE_PATTERN,
  num,
  obj,
  oneOfStrings,
  SECTION_NAME_PATTERN,
  str,
  stringList,
  stringMap,
  stringMatch,
  exactlyOne,
} from './schema-common.ts';
import { H2_UPGRADE_POLICIES, SIMPLE_LOAD_BALANCERS, TLS_MODES, TRAFFIC_DISTRIBUTIONS } from './types.ts';

const port = (description: string): Schema => int(description, { format: 'int32', minimum: 1, maximum: 65535 });

const httpMatchRequest: Schema = obj(
  {
    authority: stringMatch('Authority (Host) match'),
    gateways: stringList('Names of gateways where the rule applies'),
    headers: map(stringMatch(), 'Header matches, keyed by lower-case header name'),
    ignoreUriCase: bool('Match the URI case-insensitively'),
    method: stringMatch('HTTP method match'),
    name: str('Name of the match, appended to the route name'),
    port: int('Port on the host being addressed'),
    queryParams: map(stringMatch(), 'Query parameter matches'),
    scheme: stringMatch('URI scheme match'),
    sourceLabels: stringMap('Source workload labels'),
    sourceNamespace: str('Source namespace the rule applies to'),
    uri: stringMatch('URI match'),
    withoutHeaders: map(stringMatch(), 'Header matches that must not hold'),
  },
  'One HTTP match request (Istio HTTPMatchRequest)',
);

const headerOperations: Schema = obj({
  add: stringMap('Headers to add'),
  remove: stringList('Headers to remove'),
  set: stringMap('Headers to overwrite'),
});

const mirrorFilter: Schema = obj(
  {
    backendRef: {
      ...obj(
        {
          group: str('API group of the backend; empty means core', {
            default: '',
            maxLength: 253,
            pattern: GROUP_PATTERN,
          }),
          kind: str('Kind of the backend', { default: 'Service', minLength: 1, maxLength: 63, pattern: KIND_PATTERN }),
          name: str('Name of the backend', { minLength: 1, maxLength: 253 }),
          namespace: str('Namespace of the backend', { minLength: 1, maxLength: 63, pattern: NAMESPACE_PATTERN }),
          port: port('Port of the backend'),
        },
        'Backend that receives the mirrored requests',
        ['name'],
      ),
      'x-kubernetes-validations': [
        {
          rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true",
          message: 'Must have port for Service reference',
        },
      ],
    },
  },
  'A request mirror filter (Gateway API)',
);

const gatewayRef: Schema = obj(
  {
    group: str('API group of the parent', { default: 'gateway.networking.k8s.io', maxLength: 253, pattern: GROUP_PATTERN }),
    kind: str('Kind of the parent', { default: 'Gateway', minLength: 1, maxLength: 63, pattern: KIND_PATTERN }),
    name: str('Name of the parent', { minLength: 1, maxLength: 253 }),
    namespace: str('Namespace of the parent', { minLength: 1, maxLength: 63, pattern: NAMESPACE_PATTERN }),
    sectionName: str('Listener name of the parent', { minLength: 1, maxLength: 253, pattern: SECTION_NAME_PATTERN }),
    port: port('Port of the parent listener'),
  },
  'A parent reference of the generated HTTPRoute',
  ['name'],
);

const corsPolicy: Schema = obj(
  {
    allowCredentials: bool('Allow credentials'),
    allowHeaders: stringList('Allowed request headers'),
    allowMethods: stringList('Allowed HTTP methods'),
    allowOrigin: stringList('Allowed origins (legacy list of strings)'),
    allowOrigins: list(
      {
        ...obj({ exact: str(), prefix: str(), regex: str() }),
        oneOf: exactlyOne(['exact', 'prefix', 'regex']),
      },
      'Allowed origins as string matches',
    ),
    exposeHeaders: stringList('Headers the browser may read'),
    maxAge: str('How long preflight results may be cached'),
  },
  'Cross-origin resource sharing policy (Istio)',
);

const int32 = (description?: string): Schema => int(description, { format: 'int32' });

const loadBalancer: Schema = {
  ...obj(
    {
      consistentHash: obj(
        {
          httpCookie: obj(
            { name: str('Cookie name'), path: str('Cookie path'), ttl: str('Cookie lifetime') },
            'Hash on an HTTP cookie',
          ),
          httpHeaderName: str('Hash on an HTTP header'),
          httpQueryParameterName: str('Hash on a query parameter'),
          minimumRingSize: int('Minimum number of virtual nodes of the hash ring'),
          useSourceIp: bool('Hash on the source IP address'),
        },
        'Consistent-hash load balancing',
      ),
      localityLbSetting: obj(
        {
          distribute: list(
            obj({ from: str('Originating locality'), to: map({ type: 'integer' }, 'Locality → weight') }),
            'Traffic distribution per locality (exclusive with failover)',
          ),
          enabled: bool('Enable locality load balancing'),
          failover: list(obj({ from: str('Originating region'), to: str('Failover region') }), 'Failover regions'),
        },
        'Locality-weighted load balancing',
      ),
      simple: oneOfStrings(SIMPLE_LOAD_BALANCERS, 'Simple load balancing algorithm'),
      warmupDurationSecs: str('Warm-up duration of new endpoints'),
    },
    'Load balancer settings: simple or consistentHash',
  ),
  oneOf: [
    { required: ['simple'] },
    {
      properties: {
        consistentHash: {
          oneOf: exactlyOne(['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName']),
        },
      },
      required: ['consistentHash'],
    },
  ],
};

const trafficPolicy: Schema = obj(
  {
    connectionPool: obj({
      http: obj(
        {
          h2UpgradePolicy: oneOfStrings(H2_UPGRADE_POLICIES, 'Upgrade HTTP/1.1 connections to HTTP/2'),
          http1MaxPendingRequests: int32('Maximum pending HTTP requests'),
          http2MaxRequests: int32('Maximum requests to a backend'),
          idleTimeout: str('Idle timeout of pooled connections'),
          maxRequestsPerConnection: int32('Maximum requests per connection'),
          maxRetries: int32('Maximum outstanding retries'),
        },
        'HTTP connection pool settings',
      ),
    }),
    loadBalancer,
    outlierDetection: obj(
      {
        baseEjectionTime: str('Minimum ejection duration'),
        consecutive5xxErrors: int('5xx errors before ejection'),
        consecutiveErrors: int32('Errors before ejection (deprecated by Istio)'),
        consecutiveGatewayErrors: int32('Gateway errors before ejection'),
        consecutiveLocalOriginFailures: int32('Locally originated failures before ejection'),
        interval: str('Time between ejection sweeps'),
        maxEjectionPercent: int32('Maximum share of hosts ejected'),
        minHealthPercent: int32('Minimum healthy share for outlier detection'),
        splitExternalLocalOriginErrors: bool('Tell local origin failures from external errors'),
      },
      'Ejection of unhealthy hosts',
    ),
    tls: obj(
      {
        caCertificates: str('CA certificates file'),
        clientCertificate: str('Client certificate (MUTUAL mode)'),
        mode: oneOfStrings(TLS_MODES, 'TLS mode'),
        privateKey: str('Private key (MUTUAL mode)'),
        sni: str('SNI presented to the server'),
        subjectAltNames: stringList('Accepted subject alternative names'),
      },
      'TLS settings towards the upstream',
    ),
  },
  'Destination traffic policy (Istio DestinationRule)',
);

/** Schema of `spec.service`. */
export const serviceSchema: Schema = obj(
  {
    name: str('Name of the apex Service (default: the target name)'),
    port: num('Port of the generated ClusterIP Services'),
    portName: str('Name of the Service port (default http)'),
    appProtocol: str('Application protocol of the port'),
    trafficDistribution: oneOfStrings(TRAFFIC_DISTRIBUTIONS, 'Traffic distribution of the Services'),
    targetPort: intOrString('Container port number or name (default: port)'),
    portDiscovery: bool('Add every other container port to the Services'),
    headless: bool('Generate headless Services'),
    timeout: str('HTTP or gRPC request timeout'),
    backendTimeout: str('Per-attempt backend request timeout (Gateway API)'),
    meshName: str('App Mesh mesh name'),
    backends: stringList('App Mesh backends'),
    hosts: stringList('Host names of the generated route'),
    delegation: bool('Generate a delegate Istio VirtualService'),
    match: list(httpMatchRequest, 'Match conditions of the generated route'),
    retries: obj(
      {
        attempts: int32('Retries per request'),
        perTryTimeout: str('Timeout per attempt'),
        retryOn: str('Conditions that trigger a retry'),
      },
      'Retry policy',
    ),
    rewrite: obj(
      { uri: str('New URI or prefix'), authority: str('New authority (Host)'), type: str('Rewrite type (Gateway API)') },
      'URI and authority rewrite',
    ),
    mirror: list(mirrorFilter, 'Request mirror filters (Gateway API)'),
    headers: obj({ request: headerOperations, response: headerOperations }, 'Header manipulation'),
    gateways: stringList('Istio gateways of the VirtualService'),
    gatewayRefs: { ...list(gatewayRef, 'Parent references of the generated HTTPRoute'), maxItems: 32 },
    corsPolicy,
    trafficPolicy,
    apex: customMetadata('Metadata of the apex Service'),
    primary: customMetadata('Metadata of the primary Service'),
    canary: customMetadata('Metadata of the canary Service'),
    unmanagedMetadata: obj(
      { annotations: stringList('Annotation keys'), labels: stringList('Label keys') },
      'Metadata keys Flagger leaves untouched on generated objects',
    ),
  },
  'The Services and routes generated for the target',
  ['port'],
);
