/**
 * `fledge local`: runs Fledge's watcher and advance loops in this process against a kubeconfig's cluster (a
 * real one, kind, or `fledge emulator`), printing each canary's progress as it happens.
 * @example npx fledge local --kubeconfig /tmp/kubeconfig --store memory
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { targetPorts } from '../../shared/controller/ports.ts';
import type { ControllerDeps } from '../../shared/controller/types.ts';
import { createKubeClient, EventRecorder, kubeConfigFromFile } from '../../shared/kube/index.ts';
import { DynamoDbCanaryStore, MemoryCanaryStore, type CanaryStore } from '../../shared/store/index.ts';
import { unwiredHooks, unwiredMetrics } from '../../shared/controller/unwired.ts';
import type { Command } from '../main.ts';
import { startLocalDynamoDb, type LocalDynamoDb } from '../local/dynamodb-local.ts';
import { stepLines } from '../local/progress.ts';
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
  process.stderr.write(`fledge local: ${message}\n\n${USAGE}`);
  return 2;
}

/** The `local` command. */
export const command: Command = {
  summary: 'run the watcher and advance loops in this process against a kubeconfig’s cluster',
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
      process.stdout.write(USAGE);
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
        process.stderr.write(`fledge local: ${(error as Error).message}\n`);
        return 1;
      }
      store = new DynamoDbCanaryStore({ tableName: 'fledge', client: dynamodb.client });
    }
    const deps: ControllerDeps = {
      cluster,
      kube,
      store,
      portsFor: targetPorts(),
      metrics: unwiredMetrics,
      hooks: unwiredHooks,
      alerts: { send: async (_canary, alert) => void process.stdout.write(`         alert (${alert.severity}): ${alert.message}\n`) },
      events: new EventRecorder(kube, { component: 'fledge' }),
      actor: 'fledge-local',
    };
    process.stdout.write(`fledge local: cluster ${cluster} (${kubeConfig.getCurrentCluster()?.server}), store ${storeKind}${dynamodb ? ` at ${dynamodb.endpoint}` : ''}\n`);
    const runner = startLocalRunner({
      deps,
      onStep: (event, result) => {
        for (const line of stepLines(event, result, new Date())) process.stdout.write(`${line}\n`);
      },
      onWatch: (report) => {
        for (const action of report.actions) process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${action.id.namespace}/${action.id.name}: ${action.reason}\n`);
        for (const failure of report.failures) process.stderr.write(`fledge local: ${failure.action.type} failed: ${failure.error}\n`);
      },
      onError: (error, where) => process.stderr.write(`fledge local: ${where} failed: ${error instanceof Error ? error.message : String(error)}\n`),
    });
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    process.stdout.write(`fledge local: ${signal}, stopping after the steps in flight\n`);
    await runner.stop();
    await dynamodb?.stop();
    process.stdout.write('fledge local: stopped\n');
    return 0;
  },
};
