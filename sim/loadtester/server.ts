/**
 * A loadtester-compatible HTTP server: the API of Flagger's flagger-loadtester (`pkg/loadtester/server.go`), so
 * Canaries written for it run unchanged against Fledge in tests and `fledge` demos. Every endpoint takes Flagger's
 * webhook payload (`{name, namespace, phase, checksum, metadata}`):
 * - `/gate/check`, `/rollback/check`: 200 `Approved` when the Canary's gate is open, else 403 `Forbidden`;
 * - `/gate/open`, `/gate/close`, `/rollback/open`, `/rollback/close`: 202, keyed by the payload's name.namespace;
 * - `/gate/approve` 200 `OK`, `/gate/halt` 403 `Forbidden`, whatever the payload; `/healthz` 200 `OK`;
 * - `/`: a task from `metadata` (`type` default `cmd`; `cmd`; `returnCmdOutput`): `cmd` tasks are recorded and
 *   answered 202; `bash`, `helm`, `helmv3`, `kubectl` run through the {@link CommandRunner} and answer 200 (with
 *   the output when asked) or 500 with the error; no metadata is 400; another type is 400.
 * A namespace regexp, when given, refuses payloads of other namespaces with 403, as the loadtester's authorizer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { allowListRunner, type CommandRunner } from './commands.ts';
import { GateStorage, gateKey, rollbackKey } from './gates.ts';

/** A `cmd` task the loadtester was given (Flagger runs them in the background; the emulator records them). */
export interface RecordedTask {
  /** `name.namespace` of the Canary. */
  readonly canary: string;
  readonly command: string;
  /** How many times Flagger sent it (it is one task: the loadtester deduplicates by canary and command). */
  readonly received: number;
}

/** One request the loadtester answered. */
export interface LoadtesterCall {
  readonly path: string;
  /** `name.namespace` of the payload, or empty when it was not a payload. */
  readonly canary: string;
  readonly phase: string;
  readonly checksum: string;
  readonly status: number;
}

/** Options of {@link startLoadtester}. */
export interface LoadtesterOptions {
  /** Port on 127.0.0.1. @default a free one */
  readonly port?: number;
  /** Only payloads of a matching namespace are served (the loadtester's `-namespace-regexp`). @default all */
  readonly namespaceRegexp?: RegExp;
  /** Runs blocking commands. @default {@link allowListRunner} */
  readonly runner?: CommandRunner;
}

/** A running loadtester emulator. */
export interface Loadtester {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly gates: GateStorage;
  /** The `cmd` tasks received, in order of first arrival. */
  readonly tasks: () => RecordedTask[];
  /** Every call answered, in order. */
  readonly calls: LoadtesterCall[];
  stop(): Promise<void>;
}

interface Payload {
  readonly name: string;
  readonly namespace: string;
  readonly phase: string;
  readonly checksum: string;
  readonly metadata: Readonly<Record<string, string>>;
}

interface Reply {
  readonly status: number;
  readonly body: string;
}

const FORBIDDEN: Reply = { status: 403, body: 'Forbidden' };
/** Blocking task types the loadtester runs itself. */
const BLOCKING_TYPES = new Set(['bash', 'helm', 'helmv3', 'kubectl']);

/**
 * Starts the loadtester emulator on 127.0.0.1.
 * @example
 * const tester = await startLoadtester();
 * // Canary webhook: { name: gate, type: confirm-rollout, url: `${tester.url}/gate/check` }
 * tester.gates.open('podinfo.test');
 * await tester.stop();
 */
export async function startLoadtester(options: LoadtesterOptions = {}): Promise<Loadtester> {
  const gates = new GateStorage();
  const runner = options.runner ?? allowListRunner;
  const tasks = new Map<string, { canary: string; command: string; received: number }>();
  const calls: LoadtesterCall[] = [];

  const handle = async (path: string, text: string): Promise<{ reply: Reply; payload?: Payload }> => {
    if (path === '/healthz') return { reply: { status: 200, body: 'OK' } };
    if (path === '/gate/approve') return { reply: { status: 200, body: 'OK' } };
    if (path === '/gate/halt') return { reply: FORBIDDEN };
    const payload = parsePayload(text);
    if (payload === undefined) return { reply: { status: 400, body: '' } };
    if (options.namespaceRegexp !== undefined && !options.namespaceRegexp.test(payload.namespace)) return { reply: FORBIDDEN, payload };
    const gate = gateKey(payload.name, payload.namespace);
    const rollback = rollbackKey(payload.name, payload.namespace);
    switch (path) {
      case '/gate/check':
        return { reply: gates.isOpen(gate) ? { status: 200, body: 'Approved' } : FORBIDDEN, payload };
      case '/gate/open':
        gates.open(gate);
        return { reply: { status: 202, body: '' }, payload };
      case '/gate/close':
        gates.close(gate);
        return { reply: { status: 202, body: '' }, payload };
      case '/rollback/check':
        return { reply: gates.isOpen(rollback) ? { status: 200, body: 'Approved' } : FORBIDDEN, payload };
      case '/rollback/open':
        gates.open(rollback);
        return { reply: { status: 202, body: '' }, payload };
      case '/rollback/close':
        gates.close(rollback);
        return { reply: { status: 202, body: '' }, payload };
      default:
        return { reply: await runTask(payload), payload };
    }
  };

  const runTask = async (payload: Payload): Promise<Reply> => {
    const metadata = payload.metadata;
    if (Object.keys(metadata).length === 0) return { status: 400, body: 'metadata not found in payload' };
    const type = metadata['type'] ?? 'cmd';
    const command = metadata['cmd'] ?? '';
    const canary = gateKey(payload.name, payload.namespace);
    if (BLOCKING_TYPES.has(type)) {
      const result = await runner(command, type, canary);
      if (!result.ok) return { status: 500, body: `command ${command} failed: ${result.output}: exit status 1` };
      return { status: 200, body: metadata['returnCmdOutput'] === 'true' ? result.output : '' };
    }
    if (type !== 'cmd') return { status: 400, body: `unknown task type ${type}` };
    if (metadata['cmd'] === undefined) return { status: 400, body: 'cmd not found in metadata' };
    const key = `${canary}\u0000${command}`;
    const task = tasks.get(key);
    if (task === undefined) tasks.set(key, { canary, command, received: 1 });
    else task.received += 1;
    return { status: 202, body: '' };
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://loadtester').pathname;
      void handle(path, Buffer.concat(chunks).toString('utf8')).then(({ reply, payload }) => {
        calls.push({
          path,
          canary: payload === undefined ? '' : gateKey(payload.name, payload.namespace),
          phase: payload?.phase ?? '',
          checksum: payload?.checksum ?? '',
          status: reply.status,
        });
        res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(reply.body);
      });
    });
  };
  const server: Server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    gates,
    tasks: () => [...tasks.values()].map((task) => ({ ...task })),
    calls,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Flagger's payload, or undefined when the body is not one (the loadtester answers 400 then). */
function parsePayload(text: string): Payload | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const object = parsed as Record<string, unknown>;
  const text_ = (key: string): string => (typeof object[key] === 'string' ? (object[key] as string) : '');
  const metadata: Record<string, string> = {};
  const raw = object['metadata'];
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [key, value] of Object.entries(raw)) if (typeof value === 'string') metadata[key] = value;
  }
  return { name: text_('name'), namespace: text_('namespace'), phase: text_('phase'), checksum: text_('checksum'), metadata };
}
