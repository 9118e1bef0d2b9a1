/** The shapes the manifest reader returns. */

/** One Kubernetes-style document read from a file or standard input. */
export interface ManifestDocument {
  /** The file it came from, as given or found in a directory; `-` for standard input. */
  readonly source: string;
  /** Position in its source, from 0; the items of a `kind: List` count one each. */
  readonly index: number;
  /** The 1-based line where the document's content starts. */
  readonly line: number;
  /** The document as JSON-compatible data (mappings are plain objects, merge keys applied, aliases resolved). */
  readonly value: unknown;
}

/** Why an input or one of its documents was not read. */
export interface ManifestProblem {
  readonly source: string;
  /** The 1-based line the problem is on, when it has one. */
  readonly line?: number;
  /** When the problem is one document's: its position in its source (from 0) and the line it starts on. */
  readonly document?: { readonly index: number; readonly line: number };
  /** What went wrong, one line; may quote the input (escape it before writing it to a terminal). */
  readonly message: string;
  /**
   * `unreadable`: the input could not be opened or read (missing file, permission); `invalid`: it was read
   * and is not acceptable (syntax, a limit, not text).
   */
  readonly reason: 'unreadable' | 'invalid';
}

/** What {@link readManifests} returns: every document it could read, and every problem, in input order. */
export interface ManifestRead {
  readonly documents: ManifestDocument[];
  readonly problems: ManifestProblem[];
}

/** The text of one input, already read: how tests and in-memory callers hand text to the reader. */
export interface ManifestText {
  readonly source: string;
  readonly text: string;
}
