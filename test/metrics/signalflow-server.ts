/**
 * A local stand-in for Splunk Observability Cloud: `GET /v2/metric` for the availability probe and the SignalFlow
 * WebSocket at `/v2/signalflow/connect`, written over `node:http`'s upgrade (RFC 6455: the Sec-WebSocket-Accept
 * handshake, masked client frames, unmasked server text/binary/close frames). Every text message the client
 * sends is recorded, and the test's script answers each one.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The server side of one WebSocket. */
export interface Peer {
  sendJson(message: unknown): void;
  sendBinary(frame: Buffer): void;
  close(code: number, reason: string): void;
}

/** Answers one client message. */
export type Script = (message: Record<string, unknown>, peer: Peer) => void;

export interface SignalFlowServer {
  readonly url: string;
  /** Parsed text messages received, in order. */
  readonly received: Record<string, unknown>[];
  /** Headers of the `GET /v2/metric` probes and of the upgrade requests. */
  readonly probes: { readonly url: string; readonly headers: IncomingHttpHeaders }[];
  readonly upgrades: string[];
  script: Script;
  probeStatus: number;
  stop(): Promise<void>;
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const head = length < 126 ? Buffer.from([0x80 | opcode, length]) : Buffer.alloc(4);
  if (length >= 126 && length < 65_536) {
    head[0] = 0x80 | opcode;
    head[1] = 126;
    head.writeUInt16BE(length, 2);
  } else if (length >= 65_536) throw new Error('test frames stay under 64 KiB');
  return Buffer.concat([head, payload]);
}

/** Splits complete client frames off `buffer`; returns the rest. */
function readFrames(buffer: Buffer, onFrame: (opcode: number, payload: Buffer) => void): Buffer {
  let rest = buffer;
  while (rest.length >= 2) {
    const opcode = (rest[0] ?? 0) & 0x0f;
    let length = (rest[1] ?? 0) & 0x7f;
    let at = 2;
    if (length === 126) {
      if (rest.length < 4) break;
      length = rest.readUInt16BE(2);
      at = 4;
    } else if (length === 127) {
      if (rest.length < 10) break;
      length = Number(rest.readBigUInt64BE(2));
      at = 10;
    }
    if (rest.length < at + 4 + length) break;
    const mask = rest.subarray(at, at + 4);
    const payload = Buffer.from(rest.subarray(at + 4, at + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
    onFrame(opcode, payload);
    rest = rest.subarray(at + 4 + length);
  }
  return rest;
}

export async function startSignalFlowServer(): Promise<SignalFlowServer> {
  const sockets = new Set<Duplex>();
  const http: Server = createServer((req, res) => {
    state.probes.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(state.probeStatus, { 'content-type': 'application/json' }).end(state.probeStatus === 200 ? '{"results":[]}' : '{"message":"unauthorized"}');
  });
  http.on('upgrade', (req, socket: Duplex) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => sockets.delete(socket));
    state.upgrades.push(req.url ?? '');
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}${WS_GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const peer: Peer = {
      sendJson: (message) => socket.write(frame(1, Buffer.from(JSON.stringify(message)))),
      sendBinary: (payload) => socket.write(frame(2, payload)),
      close: (code, reason) => {
        const body = Buffer.alloc(2 + Buffer.byteLength(reason));
        body.writeUInt16BE(code, 0);
        body.write(reason, 2);
        socket.end(frame(8, body));
      },
    };
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = readFrames(Buffer.concat([pending, chunk]), (opcode, payload) => {
        if (opcode === 8) {
          socket.end(frame(8, payload.subarray(0, 2)));
        } else if (opcode === 1) {
          const message = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
          state.received.push(message);
          state.script(message, peer);
        }
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const state: SignalFlowServer = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    probes: [],
    upgrades: [],
    script: () => undefined,
    probeStatus: 200,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return state;
}

/** A SignalFlow binary data batch (version 1 header when `version` is 1, else with the max delay). */
export function binaryData(channel: string, points: readonly { tsId: Buffer; type: number; value: Buffer }[], version = 3): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt8(version, 0);
  header.writeUInt8(5, 1);
  header.write(channel, 4);
  const times = Buffer.alloc(version === 1 ? 8 : 16);
  times.writeBigInt64BE(1_772_366_400_000n, 0);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(points.length, 0);
  return Buffer.concat([header, times, count, ...points.map((point) => Buffer.concat([Buffer.from([point.type]), point.tsId, point.value]))]);
}
