/**
 * Reading manifest files: one or more YAML documents (`---`), a JSON object, or a Kubernetes `List`. Each
 * document is classified; the Flagger kinds are parsed, other kinds are kept as context.
 */
import { parseAllDocuments } from 'yaml';
import type { FieldIssue } from './paths.ts';
import { isRecord } from './paths.ts';
import { isFlaggerObject, parseFlaggerObject } from './parse.ts';
import type { ParseResult } from './parse.ts';
import type { FlaggerObject } from './types.ts';

/** One document of a manifest file. */
export interface ManifestDocument {
  /** Position in the file, from 0 (items of a `List` count one each). */
  readonly index: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** The document as read. */
  readonly raw: unknown;
  /** For the Flagger kinds: the parse result. Absent for other kinds (context only). */
  readonly flagger?: ParseResult<FlaggerObject>;
}

/** The documents of a file, or the syntax errors that kept it from being read. */
export interface ManifestFile {
  readonly documents: ManifestDocument[];
  /** YAML/JSON syntax errors, each with its line. */
  readonly syntaxErrors: FieldIssue[];
}

/**
 * Splits `text` into documents and parses the Flagger objects among them.
 * @example readManifests(fs.readFileSync('canary.yaml', 'utf8')).documents.filter((d) => d.flagger)
 */
export function readManifests(text: string): ManifestFile {
  const syntaxErrors: FieldIssue[] = [];
  const raws: unknown[] = [];
  for (const doc of parseAllDocuments(text, { prettyErrors: true })) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const line = error.linePos?.[0]?.line;
        syntaxErrors.push({ path: line === undefined ? '' : `line ${line}`, message: error.message.split('\n')[0] ?? error.message });
      }
      continue;
    }
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue; // empty document, e.g. a leading `---`
    if (isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) raws.push(...(value.items as unknown[]));
    else raws.push(value);
  }
  const documents = raws.map((raw, index): ManifestDocument => {
    const metadata = isRecord(raw) && isRecord(raw.metadata) ? raw.metadata : {};
    const base = {
      index,
      raw,
      ...(isRecord(raw) && typeof raw.apiVersion === 'string' ? { apiVersion: raw.apiVersion } : {}),
      ...(isRecord(raw) && typeof raw.kind === 'string' ? { kind: raw.kind } : {}),
      ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    };
    return isFlaggerObject(raw) ? { ...base, flagger: parseFlaggerObject(raw) } : base;
  });
  return { documents, syntaxErrors };
}
