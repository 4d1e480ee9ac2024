// The mock provider: a fake OpenAI + Anthropic API for tests, the demo and the benchmarks.
import { corpusSentences } from './corpus.js';
import { DEFAULT_MODELS } from './models.js';
import type { ReceivedRequest } from './request-log.js';
import { createMockServer } from './server.js';

export type { ReceivedRequest } from './request-log.js';

const PEER_CAPACITY = 1000;

export interface MockUpstreamOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry it (Authorization: Bearer or x-api-key) or get a 401. */
  apiKey?: string;
  /** Serve HTTPS with this key and certificate (PEM); the URL is then https://. */
  tls?: { key: string; cert: string };
  /** A provider in trouble: the first `requests` calls (every call when absent) answer this error status. */
  outage?: { status: number; requests?: number };
  /** Bedrock calls must carry a SigV4 signature by these credentials. */
  aws?: { accessKeyId: string; secretAccessKey: string; region: string };
  latencyMs?: number;
  chunkDelayMs?: number;
  /** Exact answer length in words; default a length between 60 and 120 words. */
  words?: number;
  models?: string[];
}

export interface MockUpstream {
  /** Origin, without /v1 (OpenAI SDKs want `${url}/v1`, Anthropic's SDK wants `url`). */
  url: string;
  port: number;
  /** The last requests received (bounded), oldest first. */
  received(): ReceivedRequest[];
  /** The remote port of every connection accepted, oldest first (bounded): who connected, for egress tests. */
  peers(): number[];
  close(): Promise<void>;
}

export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = opts.host ?? '127.0.0.1';
  const { server, log } = createMockServer({
    apiKey: opts.apiKey,
    tls: opts.tls,
    outage: opts.outage,
    aws: opts.aws,
    latencyMs: opts.latencyMs,
    chunkDelayMs: opts.chunkDelayMs,
    words: opts.words,
    models: opts.models ?? DEFAULT_MODELS,
    sentences: corpusSentences(),
  });
  const peers: number[] = [];
  server.on('connection', (socket: { remotePort?: number }) => {
    if (peers.length >= PEER_CAPACITY) peers.shift();
    peers.push(socket.remotePort ?? 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `${opts.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    port,
    received: () => log.list(),
    peers: () => [...peers],
    close: () =>
      new Promise<void>((resolve) => {
        // Stalled and kept-alive connections would otherwise hold close() open.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
