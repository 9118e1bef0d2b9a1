/**
 * The Flagger objects among read documents: each document is named (apiVersion, kind, name, namespace) and the
 * Flagger kinds are parsed and validated; other kinds are kept as context. Commands that act on Canaries,
 * MetricTemplates and AlertProviders (`explain`, `analyze`, `local`) start from here.
 */
import { isFlaggerObject, isRecord, parseFlaggerObject } from '../api/index.ts';
import type { FlaggerObject, ParseResult } from '../api/index.ts';
import type { ManifestDocument } from './types.ts';

/** A read document with its identity, and for the Flagger kinds the parse result. */
export interface ClassifiedDocument extends ManifestDocument {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  /** For the Flagger kinds (`flagger.app/*`): the parsed object or its field-path errors. */
  readonly flagger?: ParseResult<FlaggerObject>;
}

/**
 * Names `document` and parses it when it is a Flagger object.
 * @example (await readManifests(['canary.yaml'])).documents.map(classifyDocument).filter((d) => d.flagger?.ok)
 */
export function classifyDocument(document: ManifestDocument): ClassifiedDocument {
  const raw = document.value;
  const record = isRecord(raw) ? raw : {};
  const metadata = isRecord(record.metadata) ? record.metadata : {};
  const named: ClassifiedDocument = {
    ...document,
    ...(typeof record.apiVersion === 'string' ? { apiVersion: record.apiVersion } : {}),
    ...(typeof record.kind === 'string' ? { kind: record.kind } : {}),
    ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
  };
  return isFlaggerObject(raw) ? { ...named, flagger: parseFlaggerObject(raw) } : named;
}
