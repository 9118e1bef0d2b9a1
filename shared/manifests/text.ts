/**
 * Bytes to text: a manifest must be UTF-8 text made of the characters YAML 1.2 allows (JSON is a subset).
 * Anything else (an image, an archive, UTF-16) is refused in one line instead of being echoed back.
 */

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NOT_PRINTABLE = /[\x00-\x08\x0b\x0c\x0e-\x1f]/u;
const NOT_TEXT = 'is not a YAML or JSON text file';
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/gu;

/** Text, or the one-line reason the bytes are not manifest text. */
export type Decoded = { readonly text: string } | { readonly problem: string };

/** Decodes `bytes` as UTF-8 manifest text; NUL bytes or invalid UTF-8 mean a binary file. */
export function decodeManifestText(bytes: Uint8Array): Decoded {
  if (bytes.includes(0)) return { problem: NOT_TEXT };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { problem: NOT_TEXT };
  }
}

/**
 * The first C0 control character (but tab, newline and carriage return), or undefined: neither YAML nor JSON
 * allows them raw anywhere. DEL and C1 characters stay allowed, as YAML 1.2 allows them inside quoted
 * scalars for JSON's sake; output escapes them (see {@link escapeControl}).
 */
export function findNotPrintable(text: string): { readonly problem: string; readonly offset: number } | undefined {
  if (text.includes('\0')) return { problem: NOT_TEXT, offset: text.indexOf('\0') };
  const found = NOT_PRINTABLE.exec(text);
  if (!found) return undefined;
  const code = found[0].charCodeAt(0).toString(16).padStart(4, '0');
  return {
    problem: `control character U+${code.toUpperCase()} is not allowed in YAML or JSON (write it escaped in a double-quoted string, e.g. "\\u${code}")`,
    offset: found.index,
  };
}

/**
 * Escapes the control characters of `text` (C0 but tab and newline, DEL, C1) as `\u00XX`, so text quoting
 * the input can be written to a terminal without moving the cursor, changing colours or setting the title.
 * JSON stays valid JSON: inside a string `\u00XX` is the same character.
 * @example escapeControl('Canary a\u001b[31m') // 'Canary a\\u001b[31m'
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
