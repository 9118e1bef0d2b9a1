/** The Lambda bundles stay within their size target and keep client-node out of the Lambda graph. */
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_TARGET_BYTES, measureLambdas, renderLambdas, type LambdasReport } from './lambdas.ts';

let report: LambdasReport;
beforeAll(async () => {
  report = await measureLambdas({ rounds: 1 });
}, 120_000);

describe('Lambda bundles', () => {
  it.each(['advance', 'watcher'])('%s is at most 1.2 MB minified, without client-node, yaml or the Lambda client where unused', (name) => {
    const row = report.rows.find((r) => r.name === name);
    expect(row?.bytes).toBeGreaterThan(100_000);
    expect(row?.bytes).toBeLessThanOrEqual(BUNDLE_TARGET_BYTES);
    expect(row?.packages).not.toContain('@kubernetes/client-node');
    expect(row?.packages).not.toContain('yaml');
    if (name === 'advance') expect(row?.packages).not.toContain('@aws-sdk/client-lambda');
    expect(row?.initMs).toBeGreaterThan(0);
  });

  it('renders each figure next to its target', () => {
    expect(renderLambdas(report)).toMatch(/advance\s+bundle \d\.\d\d MB \(target ≤ 1\.20 MB, met\)/);
    expect(renderLambdas(report)).toMatch(/init \d+ ms vs baseline \d+ ms = \d\.\d\d× \(target ≤ 1\.3×, (met|MISSED)\)/);
  });
});
