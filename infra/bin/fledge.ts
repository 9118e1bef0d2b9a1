/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy`, configured through context (see `infra/context.ts`).
 * With no context it synthesizes a control plane with no cluster, and with no AWS credentials an
 * environment-agnostic stack.
 */
import { App, Validations } from 'aws-cdk-lib';
import nag from 'cdk-nag';
import { FledgeStack } from '../stack.ts';

/**
 * Builds the app: the Fledge stack, checked by cdk-nag's AwsSolutions pack. The stack's account and region
 * are the CLI's (`CDK_DEFAULT_ACCOUNT`, `CDK_DEFAULT_REGION`) when it has credentials, else left open.
 */
export function buildApp(app: App = new App(), env: NodeJS.ProcessEnv = process.env): FledgeStack {
  const stackName = app.node.tryGetContext('stackName');
  const account = env.CDK_DEFAULT_ACCOUNT;
  const region = env.CDK_DEFAULT_REGION;
  const stack = new FledgeStack(app, 'Fledge', {
    stackName: typeof stackName === 'string' && stackName !== '' ? stackName : undefined,
    description: 'Fledge: serverless progressive delivery for Kubernetes on AWS',
    env: account !== undefined && region !== undefined ? { account, region } : undefined,
  });
  Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}

if (import.meta.main) {
  const app = new App();
  buildApp(app);
  app.synth();
}
