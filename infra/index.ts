export { FledgeController, FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT, type RuntimeControlScope } from './fledge-controller.ts';
export { CONTROLLER_KUBERNETES_GROUP, FledgePropsError, type AlertSubscription, type FledgeCluster, type FledgeControllerProps } from './props.ts';
export { FLEDGE_METRIC_DIMENSIONS, FLEDGE_METRICS_NAMESPACE, FLEDGE_SERVICE_NAME, FledgeMetric } from './metrics.ts';
export { HANDLER_ENTRIES, HANDLER_ESBUILD, type HandlerName } from './bundling.ts';
export { FledgeStack, type FledgeStackProps } from './stack.ts';
