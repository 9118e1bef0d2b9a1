/**
 * How the controller's role reaches the listed EKS clusters: `eks:DescribeCluster` on each, `sts:AssumeRole` on
 * the roles of clusters in other accounts, and an EKS access entry per cluster this stack can map.
 */
import { Annotations, CfnCondition, Fn, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CONTROLLER_KUBERNETES_GROUP, FledgePropsError, type FledgeCluster } from './props.ts';

/** Where a cluster's access entry comes from. */
export type AccessEntryPlan =
  /** Created by this stack, unconditionally. */
  | { readonly kind: 'create' }
  /** Created only if the stack is deployed to the cluster's region (and account): the stack's env is unknown at synth. */
  | { readonly kind: 'createIfDeployedThere' }
  /** Not created here; `reason` says where it comes from. */
  | { readonly kind: 'none'; readonly reason: string };

/** Decides whether this stack can and should create `cluster`'s access entry. */
export function planAccessEntry(stack: Stack, cluster: FledgeCluster): AccessEntryPlan {
  if (cluster.roleArn !== undefined) return { kind: 'none', reason: `reached through ${cluster.roleArn}, which that account's own access entry maps` };
  const regionKnown = !Token.isUnresolved(stack.region);
  const accountKnown = !Token.isUnresolved(stack.account);
  if (cluster.account !== undefined && accountKnown && stack.account !== cluster.account) {
    // EKS has no resource policies: a cluster of another account is reachable only through a role there.
    throw new FledgePropsError(`FledgeController: clusters (cluster ${cluster.name}): the cluster is in account ${cluster.account} but the stack deploys to ${stack.account}; give roleArn, a role in ${cluster.account} that the controller may assume and that cluster's access entry maps`);
  }
  if (cluster.createAccessEntry === false) return { kind: 'none', reason: 'createAccessEntry is false' };
  const otherRegion = regionKnown && stack.region !== cluster.region;
  if (otherRegion) {
    const where = `region ${cluster.region} (the stack deploys to ${stack.region})`;
    if (cluster.createAccessEntry === true) {
      throw new FledgePropsError(`FledgeController: clusters (cluster ${cluster.name}): createAccessEntry is true but the cluster is in ${where}; CloudFormation creates an access entry only in the stack's own account and region`);
    }
    return { kind: 'none', reason: `the cluster is in ${where}` };
  }
  return regionKnown && (cluster.account === undefined || accountKnown) ? { kind: 'create' } : { kind: 'createIfDeployedThere' };
}

/** The ARN of `cluster` (in the stack's account unless the cluster names its own). */
export function clusterArn(stack: Stack, cluster: FledgeCluster): string {
  return stack.formatArn({
    service: 'eks',
    region: cluster.region,
    account: cluster.account ?? stack.account,
    resource: 'cluster',
    resourceName: cluster.name,
  });
}

/**
 * Grants `role` what it needs to reach `clusters` and creates their access entries. Returns the access entries
 * by cluster name.
 */
export function grantClusterAccess(scope: Construct, role: iam.IRole, clusters: readonly FledgeCluster[]): Map<string, eks.CfnAccessEntry> {
  const stack = Stack.of(scope);
  const direct = clusters.filter((cluster) => cluster.roleArn === undefined);
  if (direct.length > 0) {
    // The EKS token is a presigned sts:GetCallerIdentity and needs no permission; DescribeCluster gives the
    // endpoint and CA of exactly the listed clusters.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DescribeListedClusters',
      actions: ['eks:DescribeCluster'],
      resources: direct.map((cluster) => clusterArn(stack, cluster)),
    }));
  }
  const assumed = [...new Set(clusters.flatMap((cluster) => (cluster.roleArn === undefined ? [] : [cluster.roleArn])))];
  if (assumed.length > 0) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'AssumeClusterRoles', actions: ['sts:AssumeRole'], resources: assumed }));
  }
  const entries = new Map<string, eks.CfnAccessEntry>();
  for (const cluster of clusters) {
    const plan = planAccessEntry(stack, cluster);
    if (plan.kind === 'none') {
      Annotations.of(scope).addInfo(`Fledge: no access entry for cluster ${cluster.name} from this stack: ${plan.reason}.`);
      continue;
    }
    const entry = new eks.CfnAccessEntry(scope, `AccessEntry-${cluster.name}`, {
      clusterName: cluster.name,
      principalArn: role.roleArn,
      kubernetesGroups: [CONTROLLER_KUBERNETES_GROUP],
      type: 'STANDARD',
    });
    if (plan.kind === 'createIfDeployedThere') {
      const checks = [Fn.conditionEquals(stack.region, cluster.region)];
      if (cluster.account !== undefined) checks.push(Fn.conditionEquals(stack.account, cluster.account));
      entry.cfnOptions.condition = new CfnCondition(scope, `InClusterEnv-${cluster.name}`, {
        expression: checks.length === 1 ? checks[0] : Fn.conditionAnd(...checks),
      });
    }
    entries.set(cluster.name, entry);
  }
  return entries;
}
