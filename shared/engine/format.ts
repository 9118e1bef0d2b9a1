/**
 * Number formatting the way Flagger's Go code prints it, so event texts read the same: `%v` of a float64,
 * `%.2f`, and a `time.Duration` of whole milliseconds.
 */

/**
 * Go's `%v` of a float64: the shortest representation, in exponent form (`1e+06`, `1e-05`) when the decimal
 * exponent is below -4 or at least 6.
 * @example goFloat(99) // '99'
 */
export function goFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  if (value === 0) return '0';
  const [mantissa = '0', exponentText = '0'] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  return String(value);
}

/** Go's `%.2f`. */
export function fixed2(value: number): string {
  return value.toFixed(2);
}

/**
 * Go's `time.Duration.String()` for a whole number of milliseconds (Flagger truncates request durations to
 * milliseconds): `0s`, `450ms`, `1.2s`, `1m0s`, `1h2m3.5s`.
 */
export function goDurationMs(milliseconds: number): string {
  const ms = Math.trunc(milliseconds);
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${abs}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const rest = abs % 60_000;
  const whole = Math.floor(rest / 1000);
  const fraction = String(rest % 1000).padStart(3, '0').replace(/0+$/, '');
  const seconds = `${whole}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}
