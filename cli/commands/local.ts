/**
 * `fledge local`: runs Fledge's watcher and advance loops in this process against a kubeconfig's cluster (a
 * real one, kind, or `fledge emulator`), printing each canary's progress as it happens.
 * @example npx fledge local --kubeconfig /tmp/kubeconfig --store memory
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { targetPorts } from '../../shared/controller/ports.ts';
import { TickReadMemory } from '../../shared/controller/read-memory.ts';
import type { ControllerDeps } from '../../shared/controller/types.ts';
import { createKubeClient, EventRecorder, kubeConfigFromFile } from '../../shared/kube/index.ts';
import { DynamoDbCanaryStore, MemoryCanaryStore, type CanaryStore } from '../../shared/store/index.ts';
import { analysisPorts } from '../../shared/controller/analysis-ports.ts';
import type { Command } from '../main.ts';
import { err, out } from '../output.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '../local/dynamodb-local.ts';
import { stepLines, watchLines } from '../local/progress.ts';
import { startLocalRunner } from '../local/runner.ts';

const USAGE = `usage: fledge local [--kubeconfig FILE] [--context NAME] [--cluster NAME] [--store memory|dynamodb] [--data DIR]

Runs Fledge against the kubeconfig's cluster from this machine, no AWS needed: the watcher finds Canaries and
new revisions, each canary's steps run every analysis interval, progress is printed as it happens. Stops
between steps on Ctrl-C (SIGINT) or SIGTERM.

  --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, else ~/.kube/config)
  --context NAME      kubeconfig context (default: the current context)
  --cluster NAME      the cluster's name in canary ids and history (default: the context's name)
  --store KIND        dynamodb: state and history kept in DynamoDB Local under --data (default);
                      memory: throwaway
  --data DIR          where --store dynamodb keeps its data (default: .fledge/dynamodb)
`;

function fail(message: string): number {
  err(`fledge local: ${message}\n\n${USAGE}`);
  return 2;
}

/** The `local` command. */
export const command: Command = {
  summary: 'run the watcher and advance loops in this process against a kubeconfig’s cluster',
  usage: USAGE,
  async run(argv) {
    let values: { kubeconfig?: string; context?: string; cluster?: string; store?: string; data?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          kubeconfig: { type: 'string' },
          context: { type: 'string' },
          cluster: { type: 'string' },
          store: { type: 'string' },
          data: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      return fail((error as Error).message);
    }
    if (values.help) {
      out(USAGE);
      return 0;
    }
    const storeKind = values.store ?? 'dynamodb';
    if (storeKind !== 'memory' && storeKind !== 'dynamodb') return fail(`--store: expected memory or dynamodb, got "${storeKind}"`);
    const path = values.kubeconfig ?? process.env['KUBECONFIG']?.split(':')[0] ?? join(homedir(), '.kube', 'config');
    let kubeConfig;
    try {
      kubeConfig = kubeConfigFromFile(path, values.context);
    } catch (error) {
      return fail((error as Error).message);
    }
    const cluster = values.cluster ?? kubeConfig.getCurrentContext();
    if (!/^[^/#\s]{1,255}$/.test(cluster)) return fail(`--cluster: expected 1-255 characters without "/", "#" or blanks, got "${cluster}"`);
    const kube = createKubeClient({ kubeConfig });

    let dynamodb: LocalDynamoDb | undefined;
    let store: CanaryStore;
    if (storeKind === 'memory') store = new MemoryCanaryStore();
    else {
      const dataDir = values.data ?? join('.fledge', 'dynamodb');
      try {
        dynamodb = await startLocalDynamoDb(dataDir, 'fledge');
      } catch (error) {
        err(`fledge local: ${(error as Error).message}\n`);
        return 1;
      }
      store = new DynamoDbCanaryStore({ tableName: 'fledge', client: dynamodb.client });
    }
    const analysis = analysisPorts({ cluster, kube, eventBridge: false, log: (entry) => err(`fledge local: ${entry.message}\n`) });
    const deps: ControllerDeps = {
      cluster,
      kube,
      store,
      portsFor: targetPorts(),
      // Real metric providers, webhooks and AlertProviders, as the Lambdas call them; no AWS channel from a laptop.
      ...analysis,
      alerts: {
        send: async (canary, alert) => {
          out(`         alert (${alert.severity}): ${alert.message}\n`);
          await analysis.alerts.send(canary, alert);
        },
      },
      events: new EventRecorder(kube, { component: 'fledge' }),
      actor: 'fledge-local',
      // One for the process: the runner passes these same deps to every step.
      readMemory: new TickReadMemory(),
    };
    out(`fledge local: cluster ${cluster} (${kubeConfig.getCurrentCluster()?.server}), store ${storeKind}${dynamodb ? ` at ${dynamodb.endpoint}` : ''}\n`);
    const runner = startLocalRunner({
      deps,
      onStep: (event, result) => {
        for (const line of stepLines(event, result, new Date())) out(`${line}\n`);
      },
      onWatch: (report) => {
        for (const line of watchLines(report.actions, new Date())) out(`${line}\n`);
        for (const failure of report.failures) err(`fledge local: ${failure.action.type} failed: ${failure.error}\n`);
      },
      onError: (error, where) => err(`fledge local: ${where} failed: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    out(`fledge local: ${signal}, stopping after the steps in flight\n`);
    await runner.stop();
    await dynamodb?.stop();
    out('fledge local: stopped\n');
    return 0;
  },
};
