import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS, escapeControl, formatProblem, parseManifestText, readManifests } from '../../shared/manifests/index.ts';

const messages = (text: string): string[] => parseManifestText(text, 'f.yaml').problems.map(formatProblem);
const values = (text: string): unknown[] => parseManifestText(text, 'f.yaml').documents.map((d) => d.value);

function tempTree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'fledge-manifests-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** `a0: &a0 [x, x, …]`, each level aliasing the previous one `width` times: width^levels nodes once expanded. */
function aliasBomb(levels: number, width: number): string {
  const lines = [`a0: &a0 [${Array(width).fill('x').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`a${i}: &a${i} [${Array(width).fill(`*a${i - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** CPU milliseconds `run` takes: steadier than wall time on a machine shared by many processes. */
function timed(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('parseManifestText', () => {
  it('reads every YAML document with its position and starting line, skipping empty ones', () => {
    const read = parseManifestText('---\nkind: A\n---\n---\n# only a comment\nkind: B\n', 'f.yaml');
    expect(read.documents.map((d) => [d.source, d.index, d.line, d.value])).toEqual([
      ['f.yaml', 0, 2, { kind: 'A' }],
      ['f.yaml', 1, 6, { kind: 'B' }],
    ]);
    expect(read.problems).toEqual([]);
  });

  it('reads JSON, and the items of a List one by one', () => {
    expect(values(JSON.stringify({ kind: 'List', items: [{ kind: 'A' }, { kind: 'B' }] }))).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('applies merge keys and reads YAML 1.2 (yes and on stay strings, 0644 is decimal, 0o644 octal)', () => {
    expect(values('base: &b {x: 1, y: 1}\nm:\n  <<: *b\n  y: 2\nflag: yes\non: on\nmode: 0644\noctal: 0o644\n')).toEqual([
      { base: { x: 1, y: 1 }, m: { x: 1, y: 2 }, flag: 'yes', on: 'on', mode: 644, octal: 420 },
    ]);
  });

  it('reports a syntax error with its line, and still reads the other documents', () => {
    const read = parseManifestText('kind: A\n---\nkind: B\nspec:\n  x: [1, 2\n---\nkind: C\n', 'f.yaml');
    expect(read.documents.map((d) => [d.index, d.value])).toEqual([[0, { kind: 'A' }], [2, { kind: 'C' }]]);
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toMatchObject({ source: 'f.yaml', document: { index: 1, line: 3 }, reason: 'invalid' });
    expect(read.problems[0]?.line).toBeGreaterThanOrEqual(5);
  });

  it('refuses a duplicate key, naming both lines', () => {
    expect(messages('a: 1\nb: 2\na: 3\n')).toEqual(['f.yaml: line 3: duplicate key "a" (first on line 1)']);
    expect(messages('m: {"x": 1, x: 2}\n')).toEqual(['f.yaml: line 1: duplicate key "x" (first on line 1)']);
  });

  it('refuses keys that are not scalars, since Kubernetes objects are JSON', () => {
    expect(messages('? [a, b]\n: 1\n')).toEqual(['f.yaml: line 1: a mapping key must be a string, number or boolean (Kubernetes objects are JSON)']);
  });

  it('reads a 40,000-key mapping in linear time, and finds a duplicate among them', () => {
    const mapping = (n: number): string => Array.from({ length: n }, (_, i) => `key${i}: ${i}`).join('\n');
    const small = mapping(4_000);
    const large = mapping(40_000);
    parseManifestText(small, 'warm-up.yaml');
    const smallMs = timed(() => parseManifestText(small, 'small.yaml'));
    let read = parseManifestText('', 'none.yaml');
    const largeMs = timed(() => (read = parseManifestText(`${large}\nkey17: again`, 'large.yaml')));
    expect(read.problems.map(formatProblem)).toEqual(['large.yaml: line 40001: duplicate key "key17" (first on line 18)']);
    // Ten times the keys: about ten times the time when linear, a hundred when quadratic (11 s before).
    expect(largeMs).toBeLessThan(Math.max(25 * smallMs, 200));
    expect(largeMs).toBeLessThan(2_000); // about 0.3 s of CPU on an idle machine
  });

  it('refuses a billion-laughs file without expanding it', () => {
    const ms = timed(() => expect(messages(aliasBomb(9, 9))).toEqual([
      `f.yaml: line 5: aliases would expand to more than ${MANIFEST_LIMITS.aliasExpansion} nodes; refused, not expanded (limit: aliasExpansion)`,
    ]));
    expect(ms).toBeLessThan(1_000);
  });

  it('keeps small, legitimate aliases', () => {
    expect(values(aliasBomb(3, 3))[0]).toMatchObject({ a2: [[['x', 'x', 'x'], ['x', 'x', 'x'], ['x', 'x', 'x']], expect.anything(), expect.anything()] });
  });

  it('resolves an alias to an anchored key', () => {
    expect(values('&k name: x\nother: *k\n')).toEqual([{ name: 'x', other: 'name' }]);
  });

  it('refuses too many aliases and an alias inside its own anchor', () => {
    const many = `a: &a x\nlist: [${Array(MANIFEST_LIMITS.aliases + 1).fill('*a').join(', ')}]\n`;
    expect(messages(many)).toEqual([`f.yaml: line 2: more than ${MANIFEST_LIMITS.aliases} aliases in one document (limit: aliases)`]);
    expect(messages('a: &a [1, *a]\n')).toEqual(['f.yaml: line 1: alias *a refers to a node that contains it']);
  });

  it.each([
    ['flow', (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`],
    ['block', (n: number) => Array.from({ length: Math.min(n, 2_000) }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
  ])('refuses %s nesting past the depth limit with a clear message, however deep', (_name, nest) => {
    for (const depth of [MANIFEST_LIMITS.depth + 1, 5_000, 50_000]) {
      const problems = messages(nest(depth));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^f\\.yaml: line \\d+: nesting deeper than ${MANIFEST_LIMITS.depth} levels \\(limit: depth\\)$`));
    }
    expect(messages(nest(MANIFEST_LIMITS.depth - 1))).toEqual([]);
  });

  it('gives the same answer to a deep document however deep the caller already is', () => {
    const text = `a: 1\n---\n${'['.repeat(20_000)}${']'.repeat(20_000)}\n---\nb: 2\n`;
    const expected = ['f.yaml: line 3: nesting deeper than 100 levels (limit: depth)'];
    const nested = (depth: number): string[] => (depth === 0 ? messages(text) : nested(depth - 1));
    for (const depth of [0, 1_000, 5_000]) expect(nested(depth)).toEqual(expected);
    expect(values(text)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('refuses nesting that only aliases make too deep', () => {
    const lines = ['a0: &a0 [[[[[[[[[[x]]]]]]]]]]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [[[[[[[[[*a${i - 1}]]]]]]]]]`);
    expect(messages(lines.join('\n'))).toEqual([expect.stringMatching(/nesting deeper than 100 levels once aliases are expanded \(limit: depth\)$/)]);
  });

  it('refuses a mapping with more keys than the limit', () => {
    const text = Array.from({ length: MANIFEST_LIMITS.keysPerMapping + 1 }, (_, i) => `k${i}: 1`).join('\n');
    expect(messages(text)).toEqual([`f.yaml: line 1: a mapping has ${MANIFEST_LIMITS.keysPerMapping + 1} keys, over the limit of ${MANIFEST_LIMITS.keysPerMapping} (limit: keysPerMapping)`]);
  });

  it('refuses a document over the Kubernetes object size', () => {
    const text = `kind: ConfigMap\ndata:\n  big: "${'x'.repeat(1_600_000)}"\n---\nkind: Small\n`;
    const read = parseManifestText(text, 'f.yaml');
    expect(read.problems.map(formatProblem)).toEqual(['f.yaml: line 1: document is 1.5 MiB, over the limit of 1.5 MiB for one Kubernetes object (limit: documentBytes)']);
    expect(read.documents.map((d) => d.value)).toEqual([{ kind: 'Small' }]);
  });

  it('refuses raw control characters, naming the line and the escape to use', () => {
    expect(messages('a: 1\nb: x\u001b[31m\n')).toEqual([
      'f.yaml: line 2: control character U+001B is not allowed in YAML or JSON (write it escaped in a double-quoted string, e.g. "\\u001b")',
    ]);
  });
});

describe('readManifests', () => {
  it('reads files, directories recursively in name order and standard input', async () => {
    const root = tempTree({
      'b.yaml': 'kind: B\n',
      'a.json': '{"kind": "A"}',
      'nested/deeper/c.yml': 'kind: C\n',
      'notes.txt': 'kind: ignored\n',
      '.hidden/d.yaml': 'kind: ignored\n',
    });
    const stdin = Readable.from([Buffer.from('kind: S1\n---\n'), Buffer.from('kind: S2\n')]);
    const read = await readManifests([root, '-'], { stdin });
    expect(read.problems).toEqual([]);
    expect(read.documents.map((d) => [d.source.replace(root, 'ROOT'), d.index, (d.value as { kind: string }).kind])).toEqual([
      ['ROOT/a.json', 0, 'A'],
      ['ROOT/b.yaml', 0, 'B'],
      ['ROOT/nested/deeper/c.yml', 0, 'C'],
      ['-', 0, 'S1'],
      ['-', 1, 'S2'],
    ]);
  });

  it('says in one line that a binary file is not a manifest, without echoing it', async () => {
    const bytes = Buffer.alloc(130_000, 0xff);
    bytes.write('\u0089PNG\r\n\u001a\n', 'latin1');
    const root = tempTree({ 'logo.png': bytes, 'utf16.yaml': Buffer.from('\ufeffkind: A\n', 'utf16le') });
    const read = await readManifests([join(root, 'logo.png'), join(root, 'utf16.yaml')]);
    expect(read.problems.map(formatProblem)).toEqual([
      `${join(root, 'logo.png')} is not a YAML or JSON text file`,
      `${join(root, 'utf16.yaml')} is not a YAML or JSON text file`,
    ]);
  });

  it('tells an unreadable input from an invalid one', async () => {
    const root = tempTree({ 'big.yaml': `x: "${'y'.repeat(MANIFEST_LIMITS.fileBytes)}"\n` });
    symlinkSync(join(root, 'missing.yaml'), join(root, 'dangling.yaml'));
    const read = await readManifests([join(root, 'nope.yaml'), join(root, 'big.yaml')]);
    expect(read.problems.map((p) => [formatProblem(p).replace(root, 'ROOT'), p.reason])).toEqual([
      ['ROOT/nope.yaml: cannot read: no such file or directory', 'unreadable'],
      ['ROOT/big.yaml is over 3 MiB, the limit of one Kubernetes API request (limit: fileBytes)', 'invalid'],
    ]);
  });

  it('stops reading standard input once it passes the file limit', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    async function* endless(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 1_000; i++) yield chunk;
    }
    const read = await readManifests(['-'], { stdin: endless() });
    expect(read.problems.map(formatProblem)).toEqual(['- is over 3 MiB, the limit of one Kubernetes API request (limit: fileBytes)']);
  });
});

describe('escapeControl', () => {
  it('escapes control characters but keeps tabs, newlines and other text', () => {
    expect(escapeControl('a\u001b[31mb\tc\nd\re\u0085f\u007fé')).toBe('a\\u001b[31mb\tc\nd\\u000de\\u0085f\\u007fé');
  });

  it('keeps JSON valid and equal', () => {
    const json = JSON.stringify({ name: 'x\u0085\u009b' });
    expect(JSON.parse(escapeControl(json))).toEqual({ name: 'x\u0085\u009b' });
  });
});
