/**
 * The loadtester's gate storage, as Flagger's `GateStorage`: a flag per key, closed until opened. Gates are keyed
 * `<name>.<namespace>` of the Canary in the webhook payload; rollback gates `rollback.<name>.<namespace>`.
 */
export class GateStorage {
  readonly #open = new Map<string, boolean>();

  /** Opens the gate `key`. */
  open(key: string): void {
    this.#open.set(key, true);
  }

  /** Closes the gate `key`. */
  close(key: string): void {
    this.#open.set(key, false);
  }

  /** True when `key` was opened and not closed since; an unknown gate is closed (and remembered so). */
  isOpen(key: string): boolean {
    const value = this.#open.get(key);
    if (value === undefined) this.#open.set(key, false);
    return value ?? false;
  }
}

/** The gate key of a Canary, as Flagger's loadtester builds it. */
export function gateKey(name: string, namespace: string): string {
  return `${name}.${namespace}`;
}

/** The rollback gate key of a Canary, as Flagger's loadtester builds it. */
export function rollbackKey(name: string, namespace: string): string {
  return `rollback.${name}.${namespace}`;
}
