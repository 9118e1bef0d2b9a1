/**
 * The manifest reader: the one way every `fledge` command reads Kubernetes manifests. Call
 * {@link readManifests} with the command's FILE arguments; see `docs/architecture.md` for the rules and limits.
 */
export { readManifests, parseManifestTexts, formatProblem, MANIFEST_EXTENSIONS, type ReadOptions } from './read.ts';
export { parseManifestText } from './yaml.ts';
export { MANIFEST_LIMITS, formatBytes } from './limits.ts';
export { escapeControl } from './text.ts';
export type * from './types.ts';
export { classifyDocument, type ClassifiedDocument } from './flagger.ts';
