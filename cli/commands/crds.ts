/**
 * `fledge crds`: prints the cluster-side manifests, generated from Fledge's own schema: the CRDs of the
 * Flagger kinds and the controller's RBAC.
 * @example npx fledge crds | kubectl apply -f -
 */
import { parseArgs } from 'node:util';
import { CONTROLLER_GROUP, crdsYaml, rbacYaml } from '../crd.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';

const USAGE = `usage: fledge crds [--crds | --rbac] [--group NAME]

Prints Fledge's cluster-side manifests as YAML, ready for kubectl apply -f -:
the CustomResourceDefinitions of Canary, MetricTemplate and AlertProvider (flagger.app/v1beta1)
and the ClusterRole + binding of the Fledge controller.

  --crds        only the CustomResourceDefinitions
  --rbac        only the RBAC
  --group NAME  Kubernetes group of the controller's IAM role (default ${CONTROLLER_GROUP})
`;

/** The `crds` command. */
export const command: Command = {
  summary: 'print the CRDs and RBAC to apply in each cluster',
  usage: USAGE,
  async run(argv) {
    let values: { crds?: boolean; rbac?: boolean; group?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { crds: { type: 'boolean' }, rbac: { type: 'boolean' }, group: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      }));
    } catch (error) {
      err(`fledge crds: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (values.help) {
      out(USAGE);
      return 0;
    }
    const both = !values.crds && !values.rbac;
    const parts: string[] = [];
    if (both || values.crds) parts.push(crdsYaml());
    if (both || values.rbac) parts.push(rbacYaml(values.group === undefined ? {} : { group: values.group }));
    out(parts.join('---\n'));
    return 0;
  },
};
