/** Plays example scenarios with the provider's object read back from the emulator after every tick. */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeClient, KubeObject } from '../../shared/kube/index.ts';
import { formatIssue, parseScenario } from '../../sim/scenario/parse.ts';
import { runScenario, type RunResult } from '../../sim/scenario/run.ts';
import type { TickLine } from '../../sim/scenario/types.ts';

export const EXAMPLES = new URL('../../examples/', import.meta.url);
export const V0 = 'ghcr.io/stefanprodan/podinfo:6.0.0';
export const V1 = 'ghcr.io/stefanprodan/podinfo:6.0.1';

export type Ref = { apiVersion: string; kind: string; name: string; namespace?: string };

/** Plays FILEs read as one; `watch` is read back after every tick and kept by tick. */
export async function play(files: string[], watch: Ref, inspect?: (kube: KubeClient) => Promise<void>): Promise<RunResult & { objects: Map<number, KubeObject | undefined> }> {
  const text = files.map((f) => readFileSync(new URL(f, EXAMPLES), 'utf8')).join('\n---\n');
  const parsed = parseScenario(text, files.join(' '));
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join('\n'));
  const objects = new Map<number, KubeObject | undefined>();
  const run = await runScenario(parsed.file, {
    onTick: async (line: TickLine, kube: KubeClient) => {
      objects.set(line.tick, await kube.get(watch));
    },
    ...(inspect ? { inspect } : {}),
  });
  return { ...run, objects };
}

/** The first tick whose read-back routes send `weight`% to the canary while Progressing. */
export function tickAt(lines: readonly TickLine[], weight: number): number {
  const line = lines.find((l) => l.phase === 'Progressing' && l.routes.canary === weight);
  if (!line) throw new Error(`no Progressing tick at canary weight ${weight}`);
  return line.tick;
}

/** The documents of FILEs, the Scenario's name left out (it names the file). */
export function documents(files: string[]): unknown[] {
  return files
    .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, EXAMPLES), 'utf8')).map((d) => d.toJS() as Record<string, unknown>))
    .map((d) => (d['kind'] === 'Scenario' ? { ...d, metadata: {} } : d));
}

