// `termsgate witness`: an HTTP witness per C2SP tlog-witness, in its own process with its own key
// and state. POST <prefix>/add-checkpoint; everything else is 404/405.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addSignatureLines, cosign, type Cosigner } from '../tlog/cosignature.js';
import { checkpointOfNote } from '../tlog/trust.js';
import { decideAddCheckpoint, parseAddCheckpoint } from '../tlog/add-checkpoint.js';
import type { WitnessState } from './witness-state.js';

export interface WitnessOptions {
  cosigner: Cosigner;
  /** Trusted log verifier keys by origin. */
  logKeys: ReadonlyMap<string, readonly string[]>;
  state: WitnessState;
  /** POSIX seconds for cosignature timestamps. */
  now?: () => number;
}

const MAX_BODY = 64 * 1024;

function answer(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Handles one add-checkpoint submission; resolves with the status it answered. */
export async function addCheckpoint(opts: WitnessOptions, body: string): Promise<{ status: number; body: string; contentType?: string }> {
  const req = parseAddCheckpoint(body);
  if (typeof req === 'string') return { status: 400, body: req + '\n' };
  const origin = req.note.slice(0, Math.max(0, req.note.indexOf('\n')));
  return opts.state.exclusive(async () => {
    const stored = opts.state.latest(origin);
    const decision = decideAddCheckpoint(req, opts.logKeys, stored === null ? null : checkpointOfNote(stored));
    if (decision.status !== 200) return { status: decision.status, body: decision.message.endsWith('\n') ? decision.message : decision.message + '\n', contentType: decision.contentType };
    const line = await cosign(req.note, opts.cosigner, (opts.now ?? (() => Math.floor(Date.now() / 1000)))());
    // Persisted before the answer, as the specification requires.
    await opts.state.store(origin, addSignatureLines(req.note, [line]));
    return { status: 200, body: line + '\n' };
  });
}

export async function startWitness(opts: WitnessOptions & { host: string; port: number; prefix?: string }): Promise<{ url: string; close(): Promise<void> }> {
  const path = `${opts.prefix ?? ''}/add-checkpoint`;
  const server = createServer((req, res) => {
    void (async () => {
      if (new URL(req.url ?? '/', 'http://witness').pathname !== path) return answer(res, 404, 'not found\n');
      if (req.method !== 'POST') return answer(res, 405, 'add-checkpoint takes POST\n');
      const body = await readBody(req);
      if (body === null) return answer(res, 413, 'request body too large\n');
      const out = await addCheckpoint(opts, body);
      answer(res, out.status, out.body, out.contentType);
    })().catch(() => {
      if (!res.headersSent) answer(res, 500, 'witness failed\n');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}${opts.prefix ?? ''}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
