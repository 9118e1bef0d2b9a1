/**
 * `fledge emulator`: serves an in-memory Kubernetes API on 127.0.0.1 until interrupted, with Flagger's and
 * every supported router's CRDs installed and the workload simulation moving Deployments, DaemonSets and
 * HPAs, so kubectl, client-node or Fledge itself can be pointed at it.
 * @example npx fledge emulator --port 8080 --kubeconfig-out /tmp/kubeconfig && KUBECONFIG=/tmp/kubeconfig kubectl get ns
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { standardCrds } from '../../sim/crds/index.ts';
import { startEmulator, wallClock } from '../../sim/emulator/index.ts';
import { createWorld } from '../../sim/world/index.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';

const USAGE = `usage: fledge emulator [--port N] [--kubeconfig-out FILE] [--tick SECONDS] [--no-crds]

Serves an in-memory Kubernetes API on 127.0.0.1 until interrupted (Ctrl-C).

  --port N               TCP port (default: any free port)
  --kubeconfig-out FILE  write a kubeconfig pointing at the emulator to FILE
  --tick SECONDS         run the workload simulation (ReplicaSets, Pods, statuses) every SECONDS
                         of wall time; 0 turns it off (default 1)
  --no-crds              start without Flagger's and the routers' CRDs
`;

function fail(message: string): number {
  err(`fledge emulator: ${message}\n\n${USAGE}`);
  return 2;
}

/** The `emulator` command. */
export const command: Command = {
  summary: 'serve an in-memory Kubernetes API (with the workload simulation) for kubectl and clients',
  usage: USAGE,
  async run(argv) {
    let values: { port?: string; 'kubeconfig-out'?: string; tick?: string; 'no-crds'?: boolean; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { port: { type: 'string' }, 'kubeconfig-out': { type: 'string' }, tick: { type: 'string' }, 'no-crds': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      }));
    } catch (error) {
      return fail((error as Error).message);
    }
    if (values.help) {
      out(USAGE);
      return 0;
    }
    const port = values.port === undefined ? 0 : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) return fail(`--port: expected an integer from 0 to 65535, got "${values.port}"`);
    const tick = values.tick === undefined ? 1 : Number(values.tick);
    if (!Number.isFinite(tick) || tick < 0) return fail(`--tick: expected a number of seconds >= 0, got "${values.tick}"`);

    let emulator;
    try {
      emulator = await startEmulator({ port, clock: wallClock, crds: values['no-crds'] ? [] : standardCrds() });
    } catch (error) {
      err(`fledge emulator: cannot listen on 127.0.0.1:${port}: ${(error as Error).message}\n`);
      return 1;
    }
    const kubeconfigOut = values['kubeconfig-out'];
    if (kubeconfigOut !== undefined) {
      try {
        writeFileSync(kubeconfigOut, emulator.kubeconfig());
      } catch (error) {
        await emulator.stop();
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message;
        err(`fledge emulator: cannot write the kubeconfig to ${kubeconfigOut}: ${reason}\n`);
        return 1;
      }
    }
    const world = tick > 0 ? createWorld({ state: emulator.state, clock: wallClock }) : undefined;
    const timer = world
      ? setInterval(() => {
          try {
            world.tick();
          } catch (error) {
            err(`fledge emulator: workload simulation: ${(error as Error).message}\n`);
          }
        }, tick * 1000)
      : undefined;
    out(`Kubernetes API emulator listening on ${emulator.url}\n`);
    out(kubeconfigOut !== undefined ? `kubeconfig written to ${kubeconfigOut}\n` : 'pass --kubeconfig-out FILE for a kubeconfig\n');

    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    if (timer) clearInterval(timer);
    await emulator.stop();
    out('emulator stopped\n');
    return 0;
  },
};
