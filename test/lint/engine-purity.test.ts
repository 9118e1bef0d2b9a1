import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Linted as if it lived in the engine; the file is never written.
const ENGINE_FILE = 'shared/engine/impure-example.ts';

async function ruleHits(code: string, filePath = ENGINE_FILE): Promise<string[]> {
  const eslint = new ESLint();
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('the engine lint rule keeps shared/engine pure', () => {
  it.each([
    { name: 'Date.now()', code: 'export const t = Date.now();', rule: 'no-restricted-properties' },
    { name: 'Math.random()', code: 'export const r = Math.random();', rule: 'no-restricted-properties' },
    { name: 'new Date() without argument', code: 'export const d = new Date();', rule: 'no-restricted-syntax' },
    { name: 'Date() called as a function', code: 'export const d = Date();', rule: 'no-restricted-syntax' },
    { name: 'performance.now()', code: 'export const p = performance.now();', rule: 'no-restricted-globals' },
    { name: 'crypto.randomUUID()', code: 'export const id = crypto.randomUUID();', rule: 'no-restricted-globals' },
    { name: 'process.env', code: 'export const e = process.env.HOME;', rule: 'no-restricted-globals' },
    { name: 'setTimeout', code: 'setTimeout(() => undefined, 1);', rule: 'no-restricted-globals' },
    { name: 'setInterval', code: 'setInterval(() => undefined, 1);', rule: 'no-restricted-globals' },
    { name: 'fetch', code: "export const f = fetch('http://x');", rule: 'no-restricted-globals' },
    { name: 'an import of node:crypto', code: "import { randomUUID } from 'node:crypto';\nexport const id = randomUUID();", rule: 'no-restricted-imports' },
    { name: 'an import of crypto', code: "import { randomUUID } from 'crypto';\nexport const id = randomUUID();", rule: 'no-restricted-imports' },
    { name: 'an import of timers/promises', code: "import { setTimeout as wait } from 'timers/promises';\nawait wait(1);", rule: 'no-restricted-imports' },
    { name: 'an import of http', code: "import { get } from 'http';\nexport { get };", rule: 'no-restricted-imports' },
    { name: 'an import of the kube adapter', code: "import { KubeError } from '../kube/errors.ts';\nexport { KubeError };", rule: 'no-restricted-imports' },
  ])('refuses $name', async ({ code, rule }) => {
    expect(await ruleHits(code)).toContain(rule);
  });

  it('accepts a date parsed from input and pure arithmetic', async () => {
    expect(await ruleHits("export const at = (now: string): number => new Date(now).getTime() + Date.parse('2026-01-01T00:00:00Z');")).toEqual([]);
  });

  it('leaves code outside the engine alone', async () => {
    expect(await ruleHits('export const d = new Date();\nexport const e = process.env.HOME;', 'shared/controller/example.ts')).toEqual([]);
  });
});
