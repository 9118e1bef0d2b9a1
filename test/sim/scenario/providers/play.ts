/**
 * Plays `examples/scenarios/<provider>-*.yaml` through the real controller against the emulator for the
 * provider tests, checking the invariants every release must keep on every tick, and lets a test read the
 * router's objects back from the emulator before it stops.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { expect } from 'vitest';
import type { KubeClient, KubeObject, ObjectRef } from '../../../../shared/kube/index.ts';
import { formatIssue, parseScenario } from '../../../../sim/scenario/parse.ts';
import { runScenario, type RunResult } from '../../../../sim/scenario/run.ts';
import type { TickLine } from '../../../../sim/scenario/types.ts';

const DIR = new URL('../../../../examples/scenarios/', import.meta.url);

/** The scenario files of a provider, without `.yaml`. */
export function scenarioFiles(provider: string): string[] {
  return readdirSync(DIR)
    .filter((f) => f.startsWith(`${provider}-`) && f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** Objects read back from the emulator after the last tick, by the key a test gave them. */
export type Snapshot = Record<string, KubeObject | undefined>;

/**
 * Plays `examples/scenarios/<name>.yaml` (or the FILE `options.text`), up to `options.maxTicks`, reads `objects` back
 * after the last tick, and checks the per-tick invariants: weights sum to 100, the canary has replicas while it carries
 * traffic, and no traffic goes to a primary with no ready replica.
 */
export async function play(name: string, objects: Record<string, ObjectRef> = {}, options: { maxTicks?: number; text?: string; inspect?: (kube: KubeClient) => Promise<void> } = {}): Promise<RunResult & { objects: Snapshot }> {
  const parsed = parseScenario(options.text ?? readFileSync(new URL(`${name}.yaml`, DIR), 'utf8'), `${name}.yaml`);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const snapshot: Snapshot = {};
  const run = await runScenario(parsed.file, {
    ...(options.maxTicks === undefined ? {} : { maxTicks: options.maxTicks }),
    inspect: async (kube: KubeClient) => {
      for (const [key, ref] of Object.entries(objects)) snapshot[key] = await kube.get(ref);
      await options.inspect?.(kube);
    },
  });
  for (const line of run.lines) {
    expect(line.routes.primary + line.routes.canary, `weights of tick ${line.tick}`).toBe(100);
    if (line.routes.canary > 0 || (line.routes.matched?.canary ?? 0) > 0) {
      expect(line.canary?.replicas, `canary replicas while it carries traffic, tick ${line.tick}`).toBeGreaterThan(0);
    }
    if (line.routes.primary > 0 && line.primary !== null) expect(line.primary.readyReplicas, `primary ready while routed to, tick ${line.tick}`).toBeGreaterThan(0);
  }
  return { ...run, objects: snapshot };
}

/** The phases of a run, consecutive repeats collapsed. */
export function phases(lines: readonly TickLine[]): string[] {
  return lines.map((l) => l.phase).filter((phase, i, all) => phase !== all[i - 1]);
}

/** Every event message of a run, in order. */
export function messages(lines: readonly TickLine[]): string[] {
  return lines.flatMap((l) => l.events.map((e) => e.message));
}

/** The line of tick `n`. */
export function tick(lines: readonly TickLine[], n: number): TickLine {
  const line = lines.find((l) => l.tick === n);
  if (line === undefined) throw new Error(`no tick ${n}`);
  return line;
}

/** Phases of a release promoted without trouble. */
export const PROMOTED = ['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded'];
/** Phases of a release rolled back. */
export const ROLLED_BACK = ['Initializing', 'Initialized', 'Progressing', 'Failed'];
export const V0 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
export const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.1';
