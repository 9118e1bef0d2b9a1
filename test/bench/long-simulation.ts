/**
 * Peak memory of a long simulation: `fledge simulate` of a Canary held at a closed gate for thousands of ticks,
 * in a fresh process, against its target (issue 7: at most 512 MiB for 3,000 ticks; it peaked at 915 MB when
 * the emulator's request log was unbounded and nothing bounded the heap).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What one long run measured. */
export interface LongSimulationReport {
  readonly scenario: string;
  readonly ticks: number;
  readonly peakRssMiB: number;
  readonly targetMiB: number;
  readonly wallSeconds: number;
  readonly exitCode: number;
}

/** The target peak for {@link LONG_SIMULATION_TICKS} ticks. */
export const LONG_SIMULATION_TARGET_MIB = 512;
/** The ticks of the full run. */
export const LONG_SIMULATION_TICKS = 3000;

const SCENARIO = 'test/bench/closed-gate.yaml';

/** Runs the closed-gate scenario for `ticks` ticks in a fresh Node process and reads its peak RSS. */
export async function measureLongSimulation({ ticks = LONG_SIMULATION_TICKS } = {}): Promise<LongSimulationReport> {
  const root = new URL('../..', import.meta.url).pathname;
  const { stdout } = await promisify(execFile)(process.execPath, ['test/bench/long-simulation-child.ts', SCENARIO, String(ticks)], {
    cwd: root,
    maxBuffer: 1 << 20,
    timeout: 30 * 60_000,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { code: number; maxRssKiB: number; wallMs: number };
  return {
    scenario: SCENARIO,
    ticks,
    peakRssMiB: Math.round(result.maxRssKiB / 1024),
    targetMiB: LONG_SIMULATION_TARGET_MIB,
    wallSeconds: Math.round(result.wallMs / 100) / 10,
    exitCode: result.code,
  };
}
