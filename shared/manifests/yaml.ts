/**
 * One text (a file's content) to documents: YAML 1.2 with merge keys (`<<`), of which JSON is a subset. The
 * structure of every document is checked against {@link MANIFEST_LIMITS} before it is turned into data, in
 * one pass over its nodes without recursion, so neither a deep nor an aliased document can exhaust the stack
 * or memory, and the time stays linear in the size of the text.
 */
import { Composer, LineCounter, Parser, isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { CST, Document, Node } from 'yaml';
import { MANIFEST_LIMITS, YAML_MAX_ALIAS_COUNT, formatBytes } from './limits.ts';
import { findNotPrintable } from './text.ts';
import type { ManifestDocument, ManifestProblem, ManifestRead } from './types.ts';


/**
 * Parses the text of one source into its documents (empty documents skipped, the items of a `kind: List`
 * taken one by one) and the problems that kept some of them from being read.
 * @example parseManifestText('kind: Canary\n---\nkind: Service\n', 'a.yaml').documents.length // 2
 */
export function parseManifestText(text: string, source: string): ManifestRead {
  const documents: ManifestDocument[] = [];
  const problems: ManifestProblem[] = [];
  const lines = new LineCounter();
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  let index = 0;
  let start = 0;
  const problem = (message: string, offset?: number): void => {
    const document = { index, line: lineOf(start) };
    problems.push({ source, ...(offset === undefined ? {} : { line: lineOf(offset) }), document, message, reason: 'invalid' });
  };
  const unprintable = findNotPrintable(text);
  if (unprintable) {
    if (unprintable.problem.startsWith('is ')) return { documents, problems: [{ source, message: unprintable.problem, reason: 'invalid' }] };
    const line = text.slice(0, unprintable.offset).split('\n').length;
    return { documents, problems: [{ source, line, message: unprintable.problem, reason: 'invalid' }] };
  }
  for (const entry of composeDocuments(text, lines)) {
    if ('tooDeep' in entry) {
      start = entry.tooDeep;
      problem(`nesting deeper than ${MANIFEST_LIMITS.depth} levels (limit: depth)`, entry.tooDeep);
      index++;
      continue;
    }
    const { doc } = entry;
    start = doc.contents?.range[0] ?? doc.range[0];
    if (doc.errors.length > 0) {
      for (const error of doc.errors) problem(firstLine(error.message), error.pos[0]);
      index++;
      continue;
    }
    const bytes = Buffer.byteLength(text.slice(doc.range[0], doc.range[2]));
    if (bytes > MANIFEST_LIMITS.documentBytes) {
      problem(`document is ${formatBytes(bytes)}, over the limit of ${formatBytes(MANIFEST_LIMITS.documentBytes)} for one Kubernetes object (limit: documentBytes)`, start);
      index++;
      continue;
    }
    const refused = checkStructure(doc, lineOf);
    if (refused) {
      problem(refused.message, refused.offset ?? start);
      index++;
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT });
    } catch (error) {
      const message = firstLine(error instanceof Error ? error.message : String(error));
      problem(/alias count/i.test(message) ? `aliases expand too much; refused (limit: aliases)` : message, start);
      index++;
      continue;
    }
    if (value === null || value === undefined) continue; // an empty document, e.g. after a leading `---`
    const items = isList(value) ? value.items : [value];
    for (const item of items) documents.push({ source, index: index++, line: lineOf(start), value: item });
  }
  return { documents, problems };
}

/** A composed document, or where one starts that nests too deep to compose. */
type Composed = { readonly doc: Document.Parsed } | { readonly tooDeep: number };

/**
 * Parses `text` to YAML's syntax tree, then composes each document that nests no deeper than the limit, in
 * order. The library composes recursively, so a deeper document could exhaust the stack (and what it then
 * reports depends on how deep the caller's stack already is); its depth is measured first, without recursion.
 */
function composeDocuments(text: string, lines: LineCounter): Composed[] {
  const composed: Composed[] = [];
  const shallow = function* (tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      if (token.type === 'document' && depthExceeds(token, MANIFEST_LIMITS.depth)) composed.push({ tooDeep: token.value?.offset ?? token.offset });
      else yield token;
    }
  };
  // uniqueKeys off: the library's duplicate check is quadratic in the keys of a mapping; checkStructure finds
  // duplicates in linear time instead.
  const composer = new Composer({ version: '1.2', merge: true, uniqueKeys: false });
  for (const doc of composer.compose(shallow(new Parser(lines.addNewLine).parse(text)))) composed.push({ doc });
  return composed.sort((a, b) => startOf(a) - startOf(b));
}

function startOf(entry: Composed): number {
  return 'tooDeep' in entry ? entry.tooDeep : entry.doc.range[0];
}

/** True when collections in `document` nest deeper than `limit`; walks the syntax tree without recursion. */
function depthExceeds(document: CST.Document, limit: number): boolean {
  const stack: { token: CST.Token; depth: number }[] = document.value ? [{ token: document.value, depth: 0 }] : [];
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as { token: CST.Token; depth: number };
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > limit) return true;
    for (const item of token.items as CST.CollectionItem[]) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return false;
}

function isList(value: unknown): value is { items: unknown[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return record['kind'] === 'List' && Array.isArray(record['items']);
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
}

/** A limit a document breaks, with where. */
interface Refusal {
  readonly message: string;
  readonly offset?: number;
}

/** One step of the walk: entering a node, or leaving it once its children are done. */
interface Frame {
  readonly node: Node;
  readonly depth: number;
  /** Set when leaving: the children entered before. */
  readonly children?: Node[];
}

/**
 * Checks one document against the limits without recursion: nesting depth, keys per mapping, duplicate keys,
 * scalar keys only, alias count and the size and depth aliases would expand to. Aliases are measured, never
 * expanded: a node's expanded size and height are computed once, after its children (anchors come before
 * their aliases, so an alias whose node is not finished points at one of its own ancestors: a cycle).
 */
export function checkStructure(doc: Document, lineOf: (offset: number) => number): Refusal | undefined {
  const root = doc.contents;
  if (root === null) return undefined;
  const size = new Map<Node, number>();
  const height = new Map<Node, number>();
  const anchored = new Map<string, Node>();
  let aliases = 0;
  let added = 0;
  const stack: Frame[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth, children: entered } = stack.pop() as Frame;
    if (isAlias(node)) {
      aliases++;
      if (aliases > MANIFEST_LIMITS.aliases) return { message: `more than ${MANIFEST_LIMITS.aliases} aliases in one document (limit: aliases)`, offset: node.range?.[0] };
      const target = anchored.get(node.source);
      if (target === undefined) return { message: `alias *${node.source} has no anchor &${node.source} before it`, offset: node.range?.[0] };
      const targetSize = size.get(target);
      if (targetSize === undefined) return { message: `alias *${node.source} refers to a node that contains it`, offset: node.range?.[0] };
      added += targetSize;
      if (added > MANIFEST_LIMITS.aliasExpansion) {
        return { message: `aliases would expand to more than ${MANIFEST_LIMITS.aliasExpansion} nodes; refused, not expanded (limit: aliasExpansion)`, offset: node.range?.[0] };
      }
      size.set(node, targetSize);
      height.set(node, height.get(target) ?? 1);
      continue;
    }
    if (entered === undefined) {
      if (depth > MANIFEST_LIMITS.depth) return { message: `nesting deeper than ${MANIFEST_LIMITS.depth} levels (limit: depth)`, offset: node.range?.[0] };
      if (node.anchor) anchored.set(node.anchor, node);
      if (isScalar(node)) {
        size.set(node, 1);
        height.set(node, 0);
        continue;
      }
      const children = childrenOf(node, lineOf);
      if (typeof children === 'object' && 'message' in children) return children;
      stack.push({ node, depth, children });
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] as Node, depth: depth + 1 });
      continue;
    }
    let total = 1;
    let tallest = 0;
    for (const child of entered) {
      total += size.get(child) ?? 0;
      tallest = Math.max(tallest, height.get(child) ?? 0);
    }
    size.set(node, total);
    height.set(node, tallest + 1);
    if (tallest + 1 > MANIFEST_LIMITS.depth) {
      return { message: `nesting deeper than ${MANIFEST_LIMITS.depth} levels once aliases are expanded (limit: depth)`, offset: node.range?.[0] };
    }
  }
  return undefined;
}

/** The child nodes of a collection (a mapping's keys and values), or why the mapping is refused. */
function childrenOf(node: Node, lineOf: (offset: number) => number): Node[] | Refusal {
  if (isSeq(node)) return node.items.filter((item): item is Node => item !== null && typeof item === 'object');
  if (!isMap(node)) return [];
  if (node.items.length > MANIFEST_LIMITS.keysPerMapping) {
    return { message: `a mapping has ${node.items.length} keys, over the limit of ${MANIFEST_LIMITS.keysPerMapping} (limit: keysPerMapping)`, offset: node.range?.[0] };
  }
  const seen = new Map<string, Node>();
  const children: Node[] = [];
  for (const pair of node.items) {
    if (!isPair(pair)) continue;
    const key = pair.key as Node | null;
    if (key !== null && !isScalar(key)) {
      return { message: 'a mapping key must be a string, number or boolean (Kubernetes objects are JSON)', offset: key.range?.[0] };
    }
    const isMerge = key !== null && typeof key.value === 'symbol';
    if (!isMerge) {
      const name = key === null || key.value === null ? '' : String(key.value);
      const first = seen.get(name);
      if (first !== undefined) {
        const where = first.range ? ` (first on line ${lineOf(first.range[0])})` : '';
        return { message: `duplicate key ${JSON.stringify(name)}${where}`, offset: key?.range?.[0] };
      }
      seen.set(name, key ?? node);
    }
    if (key?.anchor) children.push(key); // `&k name: …` may be aliased later
    if (pair.value !== null && typeof pair.value === 'object') children.push(pair.value as Node);
  }
  return children;
}
