/**
 * DynamoDB Local (AWS's own emulator, shipped in the npm package `amplify-dynamodb-simulator`) run by
 * `fledge local` with its data in a directory, so state and history survive restarts without AWS.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createTable } from '../../shared/store/table.ts';

export interface LocalDynamoDb {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local with its data under `dataDir` and makes sure the store's table exists. */
export async function startLocalDynamoDb(dataDir: string, tableName: string): Promise<LocalDynamoDb> {
  const require = createRequire(import.meta.url);
  let jarDir: string;
  try {
    jarDir = join(dirname(require.resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  } catch {
    throw new Error('DynamoDB Local is not installed (npm package amplify-dynamodb-simulator); use --store memory');
  }
  const dbPath = resolve(dataDir);
  mkdirSync(dbPath, { recursive: true });
  const port = await freePort();
  const child = spawn('java', ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-sharedDb', '-dbPath', dbPath, '-disableTelemetry', '-port', String(port)], {
    cwd: jarDir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`DynamoDB Local needs Java: ${error.message}; use --store memory`)));
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited with ${code}: ${stderr.slice(-1000)}`)));
  });
  await Promise.race([waitForPort(port, 30_000), exited]);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const exists = await client.send(new DescribeTableCommand({ TableName: tableName })).then(() => true, () => false);
  if (!exists) await createTable(client, tableName);
  return {
    endpoint,
    client,
    stop: async () => {
      client.destroy();
      if (child.exitCode !== null) return;
      const gone = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      await gone;
    },
  };
}

async function freePort(): Promise<number> {
  return await new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`DynamoDB Local did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}
