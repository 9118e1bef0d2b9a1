import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE_DIRS = ['cli', 'shared', 'sim', 'infra', 'lambdas', 'test'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'fixtures' ? [] : sources(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('package.json', () => {
  it('lists only runtime dependencies some source file imports', () => {
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> };
    const text = SOURCE_DIRS.flatMap((dir) => sources(dir)).map((file) => readFileSync(file, 'utf8')).join('\n');
    const unused = Object.keys(manifest.dependencies).filter(
      (name) => !text.includes(`'${name}'`) && !text.includes(`'${name}/`) && !text.includes(`"${name}"`) && !text.includes(`"${name}/`),
    );
    expect(unused).toEqual([]);
  });
});
