// The attack soak's hostile provider: a plain node:http server on 127.0.0.1 that attacks the gateway
// through its answers, chosen by `attack:<name>` in the prompt (as in test/upstream-bounds.test.ts):
//   endless-json    a JSON answer whose string never ends (64 KiB blocks, as fast as it drains)
//   endless-stream  small valid stream events for ever, one every 5 ms
//   huge-event      one ordinary event, then one that never reaches its boundary (16 KiB blocks)
//   flood-stream    4 KB stream events as fast as they drain (what the slow readers ask for)
// Every writer stops itself: when its socket closes, or after ATTACK_MAX_MS, whatever the gateway does.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type HostileAttack = 'endless-json' | 'endless-stream' | 'huge-event' | 'flood-stream';
export const ATTACK_MAX_MS = 30_000;

const chatChunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-h', object: 'chat.completion.chunk', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface HostileStats {
  /** Answers started, by attack. */
  started: Record<HostileAttack, number>;
  /** Answers whose connection is still open. */
  open: number;
  peakOpen: number;
  /** Bytes accepted by the sockets, all answers together. */
  written: number;
  /** Answers that ran into ATTACK_MAX_MS (the gateway had not closed them). */
  ranOut: number;
}

export interface HostileProvider {
  url: string;
  stats: HostileStats;
  close(): Promise<void>;
}

export async function startHostileProvider(): Promise<HostileProvider> {
  const stats: HostileStats = { started: { 'endless-json': 0, 'endless-stream': 0, 'huge-event': 0, 'flood-stream': 0 }, open: 0, peakOpen: 0, written: 0, ranOut: 0 };

  async function pour(res: ServerResponse, piece: () => string, pauseMs = 0): Promise<void> {
    const until = Date.now() + ATTACK_MAX_MS;
    while (!res.destroyed && !res.socket?.destroyed && Date.now() < until) {
      const p = piece();
      stats.written += p.length;
      if (!res.write(p)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done).once('close', done);
        });
      }
      if (pauseMs) await sleep(pauseMs);
    }
    if (Date.now() >= until) stats.ranOut++;
    res.end();
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const c of req) raw += c;
    const attack = (/attack:([a-z-]+)/.exec(raw)?.[1] ?? 'endless-json') as HostileAttack;
    res.on('error', () => undefined);
    stats.started[attack] = (stats.started[attack] ?? 0) + 1;
    stats.open++;
    stats.peakOpen = Math.max(stats.peakOpen, stats.open);
    res.socket!.once('close', () => stats.open--);
    switch (attack) {
      case 'endless-stream':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return pour(res, () => chatChunk('tick '), 5);
      case 'huge-event': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chatChunk('hello'));
        res.write('data: {"id":"chatcmpl-h","choices":[{"index":0,"delta":{"content":"');
        const block = 'x'.repeat(16 * 1024);
        return pour(res, () => block);
      }
      case 'flood-stream': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = chatChunk('y'.repeat(4000));
        return pour(res, () => chunk);
      }
      default: {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"id":"chatcmpl-h","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"');
        const block = 'a'.repeat(64 * 1024);
        return pour(res, () => block);
      }
    }
  }

  const server = createServer((req, res) => void answer(req, res).catch(() => res.destroy()));
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stats,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
