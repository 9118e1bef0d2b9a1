/**
 * The limits every manifest input is held to, so a hostile or broken file is refused with a message naming the
 * limit instead of exhausting memory, time or the stack. Sizes follow Kubernetes: the API server refuses request
 * bodies over 3 MiB and etcd objects over 1.5 MiB, so nothing larger can reach a cluster anyway.
 */
export const MANIFEST_LIMITS = {
  /** Bytes of one file or of standard input: Kubernetes' request body limit (3 MiB). */
  fileBytes: 3 * 1024 * 1024,
  /** Bytes of one YAML document: Kubernetes' object size limit (etcd's 1.5 MiB). */
  documentBytes: 1.5 * 1024 * 1024,
  /** Bytes of all inputs of one command together (a directory of many files). */
  totalBytes: 64 * 1024 * 1024,
  /** Files found under the directories of one command. */
  files: 10_000,
  /** Nesting of mappings and sequences in one document, aliases expanded. A Deployment needs about 12. */
  depth: 100,
  /** Keys of one mapping. */
  keysPerMapping: 50_000,
  /** Alias nodes (`*name`) in one document. */
  aliases: 100,
  /** Nodes that aliases add when expanded, in one document: a "billion laughs" file is refused, never expanded. */
  aliasExpansion: 10_000,
} as const;

/** The `yaml` library's own guard against alias expansion, kept on behind the reader's own count. */
export const YAML_MAX_ALIAS_COUNT = 10_000;

/** `1.5 MiB` for 1572864: how messages state a byte limit. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}
