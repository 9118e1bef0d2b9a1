/**
 * The stack `cdk deploy` installs: one {@link FledgeController} configured from context, and its outputs.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { propsFromContext } from './context.ts';
import { FledgeController } from './fledge-controller.ts';
import type { FledgeControllerProps } from './props.ts';

/** Props of {@link FledgeStack}. */
export interface FledgeStackProps extends StackProps {
  /** The controller's props. @default read from context (see `infra/context.ts`) */
  readonly controller?: FledgeControllerProps;
}

/** A stack holding Fledge's control plane, with the outputs the docs refer to. */
export class FledgeStack extends Stack {
  readonly controller: FledgeController;

  constructor(scope: Construct, id: string, props: FledgeStackProps = {}) {
    super(scope, id, props);
    const controllerProps = props.controller ?? propsFromContext(this, (key) => this.node.tryGetContext(key));
    this.controller = new FledgeController(this, 'Controller', controllerProps);
    new CfnOutput(this, 'ControllerRoleArn', {
      description: 'The role to map to the Kubernetes group fledge:controller in clusters this stack has no access entry for',
      value: this.controller.controllerRole.roleArn,
    });
    new CfnOutput(this, 'TableName', { description: 'Canary state and history (fledge status/history --table)', value: this.controller.table.tableName });
    new CfnOutput(this, 'AlertTopicArn', { description: 'Fledge alerts and alarms', value: this.controller.topic.topicArn });
  }
}
