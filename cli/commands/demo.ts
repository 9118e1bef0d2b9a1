/**
 * `fledge demo [nginx|istio]`: an example explained, then released twice by the real controller against the
 * emulator in virtual time: a good release promoted step by step, then a release whose error rate rolls it
 * back. `nginx` (the default) plays Flagger's NGINX tutorial (`examples/nginx/`), the guide most Flagger users
 * started from; `istio` plays the podinfo example behind Istio (`examples/podinfo/`).
 * @example npm run demo
 * @example npx fledge demo istio
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';
import { command as explain } from './explain.ts';
import { command as simulate } from './simulate.ts';

const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** One example the demo can play: its manifests and its two releases. */
interface Demo {
  readonly dir: string;
  readonly manifests: readonly string[];
  readonly releases: readonly { readonly title: string; readonly scenario: string }[];
}

/** The examples the demo plays, by the name given on the command line. */
export const DEMOS: Readonly<Record<string, Demo>> = {
  nginx: {
    dir: join(EXAMPLES, 'nginx'),
    manifests: ['deployment.yaml', 'hpa.yaml', 'ingress.yaml', 'metric-template.yaml', 'canary.yaml'],
    releases: [
      { title: "Flagger's NGINX tutorial, a good release: podinfo 6.7.1 → 6.7.2, promoted 5% at a time", scenario: 'good-release.yaml' },
      { title: "Flagger's NGINX tutorial, a failing release: podinfo 6.7.3 answers HTTP 500 to 10% of requests and is rolled back", scenario: 'bad-release.yaml' },
    ],
  },
  istio: {
    dir: join(EXAMPLES, 'podinfo'),
    manifests: ['deployment.yaml', 'hpa.yaml', 'canary.yaml'],
    releases: [
      { title: 'A good release: podinfo 6.7.1 → 6.7.2, healthy, promoted step by step', scenario: 'good-release.yaml' },
      { title: 'A bad release: podinfo 6.7.3 fails 12% of its requests and is rolled back', scenario: 'bad-release.yaml' },
    ],
  },
};

/** The example `npm run demo` plays. */
export const DEMO_CANARY = join(EXAMPLES, 'nginx', 'canary.yaml');

const USAGE = `usage: fledge demo [nginx|istio]

Explains an example, then plays two releases of it with the real controller against the Kubernetes API
emulator, in virtual time: a good release promoted step by step, and a bad one rolled back. The default,
nginx, is Flagger's NGINX tutorial (examples/nginx); istio plays examples/podinfo. Nothing leaves the
machine; nothing is written to disk.
`;

/** The `demo` command. */
export const command: Command = {
  summary: "explain Flagger's NGINX tutorial (examples/nginx; `demo istio`: examples/podinfo), then simulate a good and a bad release of it",
  usage: USAGE,
  async run(argv) {
    const name = argv[0] ?? 'nginx';
    const demo = DEMOS[name];
    if (demo === undefined || argv.length > 1) {
      err(`fledge demo: expected one of ${Object.keys(DEMOS).join(', ')} (or nothing, for nginx), got ${argv.join(' ')}\n`);
      return 2;
    }
    const manifests = demo.manifests.map((file) => join(demo.dir, file));
    const explained = await explain.run(manifests.filter((file) => /canary\.yaml$|metric-template\.yaml$/.test(file)));
    if (explained !== 0) return explained;
    for (const release of demo.releases) {
      out(`\n== ${release.title}\n\n`);
      const code = await simulate.run([...manifests, join(demo.dir, 'scenarios', release.scenario)]);
      if (code !== 0) return code;
    }
    return 0;
  },
};
