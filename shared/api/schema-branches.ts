/**
 * The sub-schemas `validateAgainstSchema` validates besides the kinds' own: a failed `oneOf`/`anyOf` whose one
 * present alternative has properties is explained by validating those properties alone. Shared by the
 * run-time lookup (`schema-validate.ts`) and the ahead-of-time compiler (`precompile.ts`).
 */
import type { Schema } from './schema-common.ts';

/** The schema validated to explain a failed junction whose present alternative is `branch`. */
export function branchSchema(branch: Schema): Schema | undefined {
  return branch.properties ? { type: 'object', properties: branch.properties } : undefined;
}

/** Every {@link branchSchema} under `root`. */
export function junctionBranchSchemas(root: Schema): Schema[] {
  const found: Schema[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(walk);
    const schema = node as Schema;
    for (const branch of [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) {
      const sub = branchSchema(branch);
      if (sub) found.push(sub);
    }
    for (const value of Object.values(schema)) walk(value);
  };
  walk(root);
  return found;
}

/** The key of a branch schema in the generated `BRANCHES` table. */
export function branchKey(schema: Schema): string {
  return JSON.stringify(schema);
}
