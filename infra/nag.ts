/**
 * The cdk-nag AwsSolutions findings Fledge accepts, each with its reason in one line. Every other finding
 * fails `cdk synth` (the app registers the pack) and the infra tests.
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { FledgeController } from './fledge-controller.ts';

/** Records the accepted findings on the constructs they apply to. */
export function acknowledgeFindings(controller: FledgeController, extra: { readonly watchRole: iam.IRole }): void {
  const stack = Stack.of(controller);
  Validations.of(controller.deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the Scheduler targets; a DLQ of a DLQ would only move the messages.',
  });
  for (const fn of [controller.advanceFunction, controller.watcherFunction]) {
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs24.x, the Node version the tests, the bench and the bundles target; moved deliberately, not by a rule.',
    });
  }
  // cdk-nag names a finding by the resource as synthesized: pseudo parameters as <AWS::…>, known values as they are.
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const schedules = `arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${controller.scheduleGroup.scheduleGroupName}/*`;
  Validations.of(controller.controllerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${schedules}]`,
    reason: 'One schedule per canary is created at run time with a name unknown at deploy; the grant stops at Fledge\'s own schedule group.',
  });
  Validations.of(controller.controllerRole).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'Only scheduler:ListSchedules and cloudwatch:GetMetricData, which have no resource-level permission; the runtime lists Fledge\'s own group and reads the metrics its Canaries name.',
  });
  Validations.of(controller.controllerRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:aps:${region}:${account}:workspace/*]`,
    reason: 'MetricTemplates name their Managed Prometheus workspace at run time; the grant stops at this account\'s workspaces.',
  });
  const watcherArn = stack.resolve(controller.watcherFunction.functionArn) as { 'Fn::GetAtt': [string, string] };
  Validations.of(extra.watchRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${watcherArn['Fn::GetAtt'][0]}.Arn>:*]`,
    reason: 'The Scheduler target grants invoke on the watcher and its versions (:*); the watcher has no version or alias, so this is that one function.',
  });
}
