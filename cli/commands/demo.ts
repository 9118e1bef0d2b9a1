/**
 * `fledge demo`: the podinfo example (`examples/podinfo/`) explained, then released twice by the real
 * controller against the emulator in virtual time: a good release promoted step by step, then a release whose
 * error rate rolls it back.
 * @example npm run demo
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';
import { command as explain } from './explain.ts';
import { command as simulate } from './simulate.ts';

const PODINFO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'podinfo');

/** The example the demo plays. */
export const DEMO_CANARY = join(PODINFO, 'canary.yaml');

/** The manifests every release of the demo starts from. */
const MANIFESTS = ['deployment.yaml', 'hpa.yaml', 'canary.yaml'].map((file) => join(PODINFO, file));

/** The releases the demo plays, in order. */
const RELEASES = [
  { title: 'A good release: podinfo 6.7.1 → 6.7.2, healthy, promoted step by step', scenario: 'good-release.yaml' },
  { title: 'A bad release: podinfo 6.7.3 fails 12% of its requests and is rolled back', scenario: 'bad-release.yaml' },
] as const;

const USAGE = `usage: fledge demo

Explains the podinfo example (examples/podinfo/canary.yaml), then plays two releases of it with the
real controller against the Kubernetes API emulator, in virtual time: a good release promoted step by
step, and a bad one rolled back. Nothing leaves the machine; nothing is written to disk.
`;

/** The `demo` command. */
export const command: Command = {
  summary: 'explain the podinfo example (examples/podinfo), then simulate a good and a bad release of it',
  usage: USAGE,
  async run(argv) {
    if (argv.length > 0) {
      err(`fledge demo: takes no arguments, got ${argv.join(' ')}\n\n${USAGE}`);
      return 2;
    }
    const explained = await explain.run([DEMO_CANARY]);
    if (explained !== 0) return explained;
    for (const release of RELEASES) {
      out(`\n== ${release.title}\n\n`);
      const code = await simulate.run([...MANIFESTS, join(PODINFO, 'scenarios', release.scenario)]);
      if (code !== 0) return code;
    }
    return 0;
  },
};
