/**
 * Synth helpers of the infra tests. Bundling is the slow part of a synth, so only the default app bundles
 * (once per file that asks for it); every per-prop stack skips bundling through CDK's
 * `aws:cdk:bundling-stacks` context.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations, type Environment } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import nag from 'cdk-nag';
import { FledgeController } from '../../infra/fledge-controller.ts';
import type { FledgeControllerProps } from '../../infra/props.ts';

export const ACCOUNT = '111111111111';
export const REGION = 'eu-west-1';
/** A concrete environment, so access entries are decided at synth. */
export const EU: Environment = { account: ACCOUNT, region: REGION };

/** A fresh App that skips asset bundling. */
export function quickApp(context: Record<string, unknown> = {}): App {
  return new App({ outdir: mkdtempSync(join(tmpdir(), 'fledge-cdk-')), context: { 'aws:cdk:bundling-stacks': [], ...context } });
}

/** GIVEN a stack with one FledgeController made of `props`, WHEN synthesized, THEN this template. */
export function controllerTemplate(props: FledgeControllerProps = {}, env?: Environment): { template: Template; controller: FledgeController; stack: Stack } {
  const app = quickApp();
  const stack = new Stack(app, 'Test', env === undefined ? {} : { env });
  const controller = new FledgeController(stack, 'Fledge', props);
  return { template: Template.fromStack(stack), controller, stack };
}

/** One violation of a validation report. */
export interface Violation {
  readonly ruleName: string;
  readonly constructPaths: readonly string[];
}

/**
 * Registers cdk-nag's AwsSolutions pack on `app`, synthesizes it and returns the findings no acknowledgment
 * covers, CDK's own template validation included (an empty list means the app passes `cdk synth`).
 */
export function nagFindings(app: App): Violation[] {
  Validations.of(app).addPlugins(new nag.AwsSolutionsChecks(app));
  const file = join(app.outdir, 'validation-report.json');
  try {
    app.synth();
  } catch (error) {
    // A validation failure leaves its report; anything else is a real error.
    if (!existsSync(file)) throw error;
  }
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.map((v) => ({ ruleName: v.ruleName, constructPaths: v.violatingConstructs.map((c) => c.constructPath) })),
  );
}

export interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
  readonly Sid?: string;
}

/** Every IAM policy statement of the template's AWS::IAM::Policy resources. */
export function policyStatements(template: Template): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    statements.push(...(policy.Properties.PolicyDocument.Statement as never[]));
  }
  return statements;
}

/** The statements of the policies attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const roles = policy.Properties.Roles as { Ref: string }[];
    if (roles.some((role) => role.Ref.startsWith(rolePrefix))) statements.push(...(policy.Properties.PolicyDocument.Statement as never[]));
  }
  return statements;
}

/** The one resource of `type` in the template, with its logical id. */
export function onlyResource(template: Template, type: string): { id: string; resource: { Properties: Record<string, unknown>; [key: string]: unknown } } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [id, resource] = found[0]!;
  return { id, resource: resource as never };
}
