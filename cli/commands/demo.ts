/**
 * `fledge demo`: explains the podinfo example release. (The simulator will replace this with a simulated
 * release of the same example.)
 * @example npm run demo
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../main.ts';
import { command as explain } from './explain.ts';

/** The example the demo plays. */
export const DEMO_CANARY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'podinfo', 'canary.yaml');

/** The `demo` command. */
export const command: Command = {
  summary: 'explain the podinfo example release (examples/podinfo/canary.yaml)',
  async run(argv) {
    return explain.run([...argv, DEMO_CANARY]);
  },
};
