/**
 * What the controller (and so every Lambda bundle built from it) pulls in: API types, defaults, validation
 * and strategy, never the CLI's YAML reading, CRD generation or plan rendering.
 */
import { describe, expect, it } from 'vitest';
import { importGraph } from './import-graph.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const graph = importGraph(ROOT, 'shared/controller/index.ts');

describe('the controller import graph', () => {
  it('reaches no CLI code, CRD generation or plan rendering', () => {
    expect(graph.files.filter((f) => f.startsWith('cli/') || /\/(crd|plan-render)\.ts$/.test(f))).toEqual([]);
    expect(graph.files).toContain('shared/api/parse.ts');
  });

  it('does not reach the yaml package', () => {
    expect([...graph.packages.keys()]).not.toContain('yaml');
  });
});
