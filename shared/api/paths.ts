/**
 * Field paths as users write them (`spec.analysis.webhooks[2].timeout`,
 * `metadata.annotations["fledge.dev/promotion-failure"]`) and the issue type every validation message uses.
 */

/** One validation finding: where, and what is wrong there. */
export interface FieldIssue {
  /** Field path, e.g. `spec.analysis.webhooks[2].timeout`; empty for the object itself. */
  readonly path: string;
  /** What is wrong, naming the value received and the value expected. */
  readonly message: string;
}

/** A path as tokens: object keys are strings, array indexes numbers. */
export type PathTokens = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Renders path tokens as a field path: `["spec","analysis","webhooks",2]` → `spec.analysis.webhooks[2]`. */
export function formatPath(tokens: PathTokens): string {
  let out = '';
  for (const token of tokens) {
    if (typeof token === 'number') out += `[${token}]`;
    else if (IDENTIFIER.test(token)) out += out === '' ? token : `.${token}`;
    else out += `[${JSON.stringify(token)}]`;
  }
  return out;
}

/**
 * Turns a JSON pointer (ajv's `instancePath`, e.g. `/spec/analysis/webhooks/2/timeout`) into tokens, using
 * `data` to tell array indexes from map keys that look like numbers.
 */
export function pointerToTokens(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const parts = pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const tokens: (string | number)[] = [];
  let node: unknown = data;
  for (const part of parts) {
    if (Array.isArray(node)) {
      const index = Number(part);
      tokens.push(index);
      node = node[index];
    } else {
      tokens.push(part);
      node = isRecord(node) ? node[part] : undefined;
    }
  }
  return tokens;
}

/** Formats an issue as one line: `path: message`, or just the message for the object itself. */
export function formatIssue(issue: FieldIssue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

/** Renders a received value for a message as JSON, shortened; `nothing` when there is none. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  // JSON has no NaN or Infinity (YAML's .nan, .inf) and would print them as null.
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The issues without repeats (same path and message), in their first order. */
export function uniqueIssues(issues: readonly FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
