/**
 * Scripted answers of the simulated world: per name, a list consumed one answer per call whose last answer
 * repeats for ever (`SCENARIOS.md`: "one per check, the last repeats").
 */

/** Answers by name from fixed lists; each name keeps its own cursor. */
export class Script<T> {
  private readonly answers: Readonly<Record<string, readonly T[]>>;
  private readonly cursors = new Map<string, number>();

  constructor(answers: Readonly<Record<string, readonly T[]>>) {
    this.answers = answers;
  }

  /** True when `name` has scripted answers. */
  has(name: string): boolean {
    return Object.hasOwn(this.answers, name);
  }

  /** The next answer for `name` (the last one once the list is used up), or undefined when `name` is unlisted. */
  next(name: string): T | undefined {
    if (!this.has(name)) return undefined;
    const list = this.answers[name] ?? [];
    const cursor = this.cursors.get(name) ?? 0;
    this.cursors.set(name, cursor + 1);
    return list[Math.min(cursor, list.length - 1)];
  }
}
