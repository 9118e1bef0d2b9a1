/**
 * The watcher's kick: Lambda `Invoke` of the advance function with `InvocationType: Event` (asynchronous, so a
 * release starts at once without the watcher waiting for its step).
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { RuntimeConfig } from './config.ts';
import type { AwsService, BasePorts } from './ports.ts';

/** A kick port on one Lambda client, made on first use. */
export function lambdaKick(config: RuntimeConfig, clientConfig?: (service: AwsService) => Record<string, unknown>): BasePorts['kick'] {
  let lambda: LambdaClient | undefined;
  return async (event) => {
    lambda ??= new LambdaClient(clientConfig?.('lambda') ?? {});
    await lambda.send(new InvokeCommand({ FunctionName: config.advanceFunctionArn, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(event)) }));
  };
}
