// Writes a reply to the socket, applying latency, chunk pacing, resets and stalls. Every wait ends
// when the client goes away, so no timer outlives its request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Behaviour } from './directives.js';
import type { Reply } from './reply.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };

export async function deliver(req: IncomingMessage, res: ServerResponse, reply: Reply, behaviour: Behaviour, headers: Record<string, string>): Promise<void> {
  const paced = behaviour.latencyMs > 0 || behaviour.chunkDelayMs > 0;
  const partial = behaviour.resetAfter !== undefined || behaviour.stallAfter !== undefined || behaviour.truncateAfter !== undefined;
  if (!paced && !partial && !behaviour.reset && !behaviour.stall) return deliverAtOnce(res, reply, headers);

  const gone = new AbortController();
  res.once('close', () => gone.abort());
  if (behaviour.latencyMs > 0 && !(await wait(behaviour.latencyMs, gone.signal))) return;
  // A stall holds the request open; the client's disconnect (or server close) ends it.
  if (behaviour.stall) return;
  if (behaviour.reset) return void req.socket.destroy();
  if (!partial && behaviour.chunkDelayMs === 0) return deliverAtOnce(res, reply, headers);

  const cut = behaviour.resetAfter ?? behaviour.stallAfter ?? behaviour.truncateAfter;
  const frames = reply.kind === 'sse' ? reply.frames : halves(JSON.stringify(reply.body));
  res.writeHead(reply.kind === 'sse' ? 200 : reply.status, {
    ...headers,
    ...(reply.kind === 'sse' ? streamHeaders(reply.contentType) : { 'content-type': 'application/json', ...reply.headers }),
  });
  let written = Promise.resolve();
  for (let i = 0; i < frames.length; i++) {
    if (i === cut) {
      // Let what was written reach the client before the connection is cut.
      if (behaviour.resetAfter !== undefined) await written.then(() => req.socket.destroy());
      // A truncated stream ends like a complete one, only earlier: no error, no end events.
      if (behaviour.truncateAfter !== undefined) res.end();
      return;
    }
    if (i > 0 && behaviour.chunkDelayMs > 0 && !(await wait(behaviour.chunkDelayMs, gone.signal))) return;
    if (gone.signal.aborted) return;
    let ok = true;
    written = new Promise((resolve) => (ok = res.write(frames[i], () => resolve())));
    if (!ok && !(await drained(res, gone.signal))) return;
  }
  res.end();
}

function deliverAtOnce(res: ServerResponse, reply: Reply, headers: Record<string, string>): void {
  if (reply.kind === 'sse') {
    res.writeHead(200, { ...headers, ...streamHeaders(reply.contentType) });
    res.end(Buffer.concat(reply.frames.map((f) => Buffer.from(f))));
    return;
  }
  const body = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
  res.end(body);
}

function streamHeaders(contentType: string | undefined): Record<string, string> {
  return contentType ? { ...SSE_HEADERS, 'content-type': contentType } : SSE_HEADERS;
}

/** A whole-body reply as two chunks, so reset-after/stall-after=1 leave a truncated JSON body. */
function halves(body: string): string[] {
  const mid = Math.floor(body.length / 2);
  return [body.slice(0, mid), body.slice(mid)];
}

async function drained(res: ServerResponse, signal: AbortSignal): Promise<boolean> {
  try {
    await once(res, 'drain', { signal });
    return true;
  } catch {
    return false;
  }
}

async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
