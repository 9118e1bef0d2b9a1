/** The schema's validators are compiled ahead of time; the committed module must be what the schema compiles to. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../shared/api/ajv.ts';
import { VALIDATORS_FILE, inflatedValidators, validatorsSource } from '../../shared/api/precompile.ts';
import { SCHEMAS } from '../../shared/api/schema.ts';
import { branchSchema, junctionBranchSchemas } from '../../shared/api/schema-branches.ts';
import { validateAgainstSchema } from '../../shared/api/schema-validate.ts';
import { precompiledValidators } from '../../shared/api/validators.generated.ts';

describe('precompiled validators', () => {
  it('shared/api/validators.generated.ts is what `npm run generate` produces from the current schema', () => {
    // Compared inflated: the code is what must match, not the deflate library's byte choices.
    const committed = inflatedValidators(readFileSync(VALIDATORS_FILE, 'utf8'));
    expect(committed).toContain('.Canary=');
    expect(committed).toBe(inflatedValidators(validatorsSource()));
  });

  it('reports the same errors as the schema compiled at run time', () => {
    const ajv = createAjv();
    const samples: Array<[keyof typeof SCHEMAS, unknown]> = [
      ['Canary', {}],
      ['Canary', { apiVersion: 'flagger.app/v1beta1', kind: 'Canary', spec: { targetRef: { kind: 'Pod' }, analysis: { interval: 'soon', stepWeight: '5' } } }],
      ['MetricTemplate', { spec: { provider: { type: 'nope' }, query: 3 } }],
      ['AlertProvider', { spec: { type: 'slack', address: 7 } }],
    ];
    for (const [kind, data] of samples) {
      const compiled = ajv.compile(SCHEMAS[kind]);
      const validate = (precompiledValidators() as Record<string, { (d: unknown): boolean; errors?: unknown }>)[kind];
      if (validate === undefined) throw new Error(`no precompiled ${kind} validator`);
      expect(validate(data)).toBe(compiled(data));
      expect(validate.errors).toEqual(compiled.errors);
    }
  });

  it('covers every junction branch the error explanations validate', () => {
    const branches = Object.values(SCHEMAS).flatMap(junctionBranchSchemas);
    expect(branches.length).toBeGreaterThan(0);
    for (const schema of branches) expect(() => validateAgainstSchema(schema, {})).not.toThrow();
    expect(branchSchema({ required: ['a'] })).toBeUndefined();
  });

  it('refuses a schema that was not compiled ahead of time, naming the generator', () => {
    expect(() => validateAgainstSchema({ type: 'string' }, 1)).toThrow(/precompile\.ts/);
  });
});
