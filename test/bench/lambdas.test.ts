/**
 * The Lambda bundles stay within their size target, keep client-node out of the Lambda graph, and initialise
 * within 1.3× a baseline of only the SDK clients each Lambda uses (issue 10's benchmark target).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metafile } from 'esbuild';
import { BUNDLE_TARGET_BYTES, INIT_RATIO_TARGET, baselineSource, keptSdkImports, measureLambdas, renderLambdas, sdkImportsOf, type LambdasReport } from './lambdas.ts';

let report: LambdasReport;
beforeAll(async () => {
  report = await measureLambdas({ rounds: 9, confirmRounds: 12 });
}, 180_000);

const row = (name: string) => {
  const found = report.rows.find((r) => r.name === name);
  if (!found) throw new Error(`no ${name} row`);
  return found;
};

describe('Lambda bundles', () => {
  it.each(['advance', 'watcher'])('%s is at most 1.2 MB minified, without client-node, yaml or the ajv compiler', (name) => {
    expect(row(name).bytes).toBeGreaterThan(100_000);
    expect(row(name).bytes).toBeLessThanOrEqual(BUNDLE_TARGET_BYTES);
    expect(row(name).packages).not.toContain('@kubernetes/client-node');
    expect(row(name).packages).not.toContain('yaml');
    // The schema's validators are precompiled (shared/api/precompile.ts): no Lambda carries ajv's compiler, at
    // most its one-function runtime helper (ucs2length).
    expect(row(name).packageBytes['ajv'] ?? 0).toBeLessThan(1024);
    expect(row(name).packages).not.toContain('fast-uri');
  });

  it('keeps the Lambda client out of the advance bundle and the controller analysis out of the watcher bundle', () => {
    expect(row('advance').packages).not.toContain('@aws-sdk/client-lambda');
    for (const folder of ['shared/engine', 'shared/routers', 'shared/metrics', 'shared/notify']) expect(row('watcher').packages).not.toContain(folder);
  });

  it("derives each baseline from the SDK clients the handler's bundle imports, built at init or on first use", () => {
    expect(Object.keys(row('advance').baselineImports).sort()).toEqual(
      ['cloudwatch', 'dynamodb', 'eks', 'eventbridge', 'scheduler', 'sns', 'sts'].map((c) => `@aws-sdk/client-${c}`),
    );
    expect(Object.keys(row('watcher').baselineImports).sort()).toEqual(['dynamodb', 'eks', 'lambda', 'scheduler', 'sts'].map((c) => `@aws-sdk/client-${c}`));
    expect(row('advance').baselineImports['@aws-sdk/client-dynamodb']).toEqual(expect.arrayContaining(['DynamoDBClient', 'TransactWriteItemsCommand']));
    expect(row('watcher').baselineImports['@aws-sdk/client-lambda']).toEqual(['InvokeCommand', 'LambdaClient']);
    // createTable() (shared/store/table.ts) is bundled but never reached: its commands are not the Lambdas'.
    expect(row('advance').baselineImports['@aws-sdk/client-dynamodb']).not.toContain('CreateTableCommand');
  });

  it.each(['advance', 'watcher'])('%s initialises within 1.3× its SDK-clients-only baseline', (name) => {
    expect(row(name).initMs).toBeGreaterThan(0);
    expect(row(name).initCpuMs).toBeGreaterThan(0);
    expect(row(name).initRatio, renderLambdas(report)).toBeLessThanOrEqual(INIT_RATIO_TARGET);
  });

  it('renders each figure next to its target', () => {
    const text = renderLambdas(report);
    expect(text).toMatch(/advance\s+bundle \d\.\d\d MB \(target ≤ 1\.20 MB, met\)/);
    expect(text).toMatch(/init \d+ ms vs baseline \d+ ms = \d\.\d\d× \(target ≤ 1\.3×, (met|MISSED)\); wall \d+ vs \d+ ms, paired \d\.\d\d×/);
  });
});

describe('the baseline handler', () => {
  it('imports exactly the value imports of @aws-sdk/client-* packages, type-only imports left out', () => {
    const imports = sdkImportsOf(
      [
        "import { DynamoDBClient, type DynamoDBClientConfig, QueryCommand as Query } from '@aws-sdk/client-dynamodb';",
        "import type { SNSClient } from '@aws-sdk/client-sns';",
        "import * as eks from '@aws-sdk/client-eks';",
        "const cw = await import('@aws-sdk/client-cloudwatch');",
        "import { Hash } from '@smithy/hash-node';",
      ].join('\n'),
    );
    expect(Object.fromEntries([...imports].map(([pkg, names]) => [pkg, [...names]]))).toEqual({
      '@aws-sdk/client-dynamodb': ['DynamoDBClient', 'QueryCommand'],
      '@aws-sdk/client-eks': ['*'],
      '@aws-sdk/client-cloudwatch': ['*'],
    });
    expect(baselineSource(new Map([['@aws-sdk/client-sts', ['STSClient', 'AssumeRoleCommand']], ['@aws-sdk/client-eks', ['*']]]))).toBe(
      "import * as sdk0 from '@aws-sdk/client-eks';\nimport { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';\nexport const handler = () => [AssumeRoleCommand, STSClient, sdk0];\n",
    );
  });

  it('leaves out the names whose module the bundle dropped', () => {
    const dist = 'node_modules/@aws-sdk/client-dynamodb/dist-es';
    const metafile = {
      inputs: Object.fromEntries(['DynamoDBClient', 'commands/QueryCommand', 'commands/CreateTableCommand', 'pagination/QueryPaginator', 'waiters/waitForTableExists'].map((f) => [`${dist}/${f}.js`, { bytes: 1, imports: [] }])),
      outputs: { 'index.mjs': { bytes: 1, imports: [], exports: [], inputs: { [`${dist}/DynamoDBClient.js`]: { bytesInOutput: 10 }, [`${dist}/commands/QueryCommand.js`]: { bytesInOutput: 10 }, [`${dist}/commands/CreateTableCommand.js`]: { bytesInOutput: 0 } } } },
    } as unknown as Metafile;
    const names = ['CreateTableCommand', 'DynamoDBClient', 'QueryCommand', 'ReturnValue', 'paginateQuery', 'waitUntilTableExists'];
    expect(keptSdkImports(new Map([['@aws-sdk/client-dynamodb', names]]), metafile)).toEqual(new Map([['@aws-sdk/client-dynamodb', ['DynamoDBClient', 'QueryCommand', 'ReturnValue']]]));
  });
});
