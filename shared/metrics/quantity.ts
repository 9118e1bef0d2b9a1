/** Kubernetes resource quantities (`150m`, `2k`, `1.5Gi`, `1e3`) as numbers. */

const SUFFIXES: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The number a quantity stands for, or undefined when `text` is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$/u.exec(text.trim());
  if (match === null) return undefined;
  const factor = SUFFIXES[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
