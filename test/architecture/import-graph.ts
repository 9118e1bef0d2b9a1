/** The static import graph of our TypeScript sources, followed from an entry file (relative imports only). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'|(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

export interface ImportGraph {
  /** Repository-relative paths of every file reached. */
  readonly files: string[];
  /** Package specifiers imported (bare names such as `yaml` or `@aws-sdk/client-dynamodb`), with one file that imports each. */
  readonly packages: Map<string, string>;
}

/** Follows the imports of `entry` (repository-relative), type-only imports included only when `types` is true. */
export function importGraph(root: string, entry: string, { types = false } = {}): ImportGraph {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const statement = match[0];
      if (!types && /^\s*(import|export)\s+type\s/.test(statement)) continue;
      const specifier = (match[1] ?? match[2] ?? match[3]) as string;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (existsSync(target)) queue.push(target);
      } else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);
        if (!packages.has(name)) packages.set(name, relative(root, file));
      }
    }
  }
  return { files: [...seen].map((f) => relative(root, f)).sort(), packages };
}
