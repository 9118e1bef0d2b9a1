/**
 * Go durations (`30s`, `1m30s`, `1.5h`, `500ms`), as Flagger parses intervals and timeouts with Go's
 * `time.ParseDuration`.
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * Parses a Go duration into milliseconds; `undefined` when `text` is not one. `0` is accepted alone, as in Go.
 * @example parseDuration('1m30s') // 90000
 */
export function parseDuration(text: string): number | undefined {
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest.startsWith('-')) sign = -1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < rest.length) {
    const start = PART.lastIndex;
    const match = PART.exec(rest);
    if (!match || match.index !== start) return undefined;
    const [, amount = '', unit = ''] = match;
    if (amount === '' || amount === '.') return undefined;
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  }
  return Number.isFinite(total) ? sign * total : undefined;
}

/**
 * Formats milliseconds compactly, Go-style without zero parts: `90000` → `1m30s`, `3600000` → `1h`.
 * @example formatDuration(600_000) // '10m'
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  let rest = Math.round(ms / 1000);
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  return `${hours > 0 ? `${hours}h` : ''}${minutes > 0 ? `${minutes}m` : ''}${seconds > 0 ? `${seconds}s` : ''}`;
}

/**
 * The message for a duration Flagger's CRD refuses (pattern `^[0-9]+(m|s)`: a whole number, then `s` or `m`),
 * with the same length written that way when there is one, e.g. `1h30m` → `90m`.
 * @example crdDurationMessage('1h30m') // 'must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got "1h30m": write "90m"'
 */
export function crdDurationMessage(text: string): string {
  const base = `must be a whole number of seconds or minutes (one unit, as the Flagger CRD requires), such as 30s or 5m; got ${JSON.stringify(text)}`;
  const ms = parseDuration(text);
  if (ms === undefined) {
    return /^\s*[0-9]+\s*$/.test(text) ? `${base}: add the unit, e.g. "${text.trim()}s"` : base;
  }
  if (ms <= 0) return base;
  if (ms % 60_000 === 0) return `${base}: write "${ms / 60_000}m"`;
  if (ms % 1000 === 0) return `${base}: write "${ms / 1000}s"`;
  return `${base}: write "${Math.ceil(ms / 1000)}s" (whole seconds)`;
}

const UNIT_ORDER = ['h', 'm', 's', 'ms', 'us', 'µs', 'μs', 'ns'];

/**
 * For a Go duration whose units are repeated or out of order (`10s10h`, `1m1m`), what Go reads it as: Go
 * adds the parts up, so it is valid, but rarely what was meant. `undefined` for the usual forms.
 * @example unusualDuration('10s10h') // '10h10s'
 */
export function unusualDuration(text: string): string | undefined {
  const units = [...text.matchAll(/[0-9.]+(ns|us|µs|μs|ms|s|m|h)/g)].map((m) => UNIT_ORDER.indexOf(m[1] as string));
  const ordered = units.every((unit, i) => i === 0 || unit > (units[i - 1] as number));
  if (ordered) return undefined;
  const ms = parseDuration(text);
  return ms === undefined ? undefined : formatDuration(ms);
}
