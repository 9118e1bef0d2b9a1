/**
 * The one place that decides how a URL or a secret is shown. Webhook URLs often carry a token in their query
 * string or user info, and chat addresses read from a Secret are credentials as a whole (a Slack incoming-webhook
 * path is its secret), so logs, events, alerts and history show a URL only through {@link redactUrl}, and any
 * text that may echo one (an error message, a response body) through {@link scrubSecrets}.
 */

/** What replaces a secret in text. */
export const REDACTED = '***';

/**
 * The URL without credentials, query string or fragment: `https://user:pw@hooks.example.com/a?token=x` →
 * `https://hooks.example.com/a`. Text that is not a URL is not shown at all.
 * @example redactUrl('http://loadtester.test/gate/check?key=s3cr3t') // 'http://loadtester.test/gate/check'
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<invalid URL>';
  }
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/**
 * Like {@link redactUrl}, for text that may not be a valid URL (a validation error shows the value it refused):
 * a URL is redacted; other text loses anything from `?` or `#` on and any `user:password@` before a host.
 * @example showUrlText('http//bot:pw@hooks.test/x?token=1') // 'http//hooks.test/x'
 */
export function showUrlText(text: string): string {
  if (URL.canParse(text)) return redactUrl(text);
  return text.replace(/[?#].*$/s, '').replace(/[^/@\s]*@/g, '');
}

/**
 * The parts of `url` that must not be shown: its user name and password, its query string and each query value
 * (raw and decoded); the whole text when it is not a URL. Used with {@link scrubSecrets} on text that may echo
 * the URL back.
 */
export function urlSecrets(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const secrets = [parsed.username, parsed.password, decodeSafe(parsed.username), decodeSafe(parsed.password), parsed.search.slice(1), parsed.hash.slice(1)];
  for (const [key, value] of parsed.searchParams) secrets.push(value, encodeURIComponent(value), `${key}=${value}`);
  return secrets;
}

/**
 * `text` with every occurrence of each secret replaced by {@link REDACTED}, longest first (so a whole URL goes
 * before its query value). Secrets shorter than 3 characters are left alone: they would blank ordinary words.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  return out;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
