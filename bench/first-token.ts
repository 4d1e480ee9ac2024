// Time to first streamed token: sequential streaming requests with undici, each timed from the
// request to the first non-empty content delta. Also counts the deltas, so a gateway that merges
// or holds chunks shows up as fewer deltas than the provider sent.
import { performance } from 'node:perf_hooks';
import { Client } from 'undici';
import { createParser } from 'eventsource-parser';
import type { Target } from './load.js';
import { median } from './stats.js';

export interface FirstTokenResult {
  requests: number;
  medianMs: number;
  medianDeltas: number;
  /** Longest pause between two deltas seen in any response. */
  maxGapMs: number;
  failures: number;
  lastFailure?: string;
}

interface OneStream {
  firstMs: number;
  deltas: number;
  maxGapMs: number;
}

function contentOf(data: string): string {
  if (data === '[DONE]') return '';
  try {
    const event = JSON.parse(data) as { choices?: { delta?: { content?: string | null } }[] };
    return event.choices?.[0]?.delta?.content ?? '';
  } catch {
    return '';
  }
}

async function oneStream(client: Client, url: URL, target: Target, body: string): Promise<OneStream> {
  const start = performance.now();
  let firstMs = NaN;
  let deltas = 0;
  let last = start;
  let maxGapMs = 0;
  const parser = createParser({
    onEvent(event) {
      if (contentOf(event.data) === '') return;
      const now = performance.now();
      if (deltas === 0) firstMs = now - start;
      else maxGapMs = Math.max(maxGapMs, now - last);
      last = now;
      deltas++;
    },
  });
  const res = await client.request({
    method: 'POST',
    path: url.pathname,
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  if (res.statusCode !== 200) {
    const text = await res.body.text();
    throw new Error(`HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  }
  const decoder = new TextDecoder();
  for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Buffer, { stream: true }));
  if (deltas === 0) throw new Error('no content delta in the stream');
  return { firstMs, deltas, maxGapMs };
}

export async function measureFirstToken(target: Target, body: string, requests: number, warmup = 3): Promise<FirstTokenResult> {
  const url = new URL(target.url);
  const client = new Client(url.origin, { keepAliveTimeout: 30_000 });
  const runs: OneStream[] = [];
  let failures = 0;
  let lastFailure: string | undefined;
  try {
    for (let i = 0; i < warmup + requests; i++) {
      try {
        const run = await oneStream(client, url, target, body);
        if (i >= warmup) runs.push(run);
      } catch (err) {
        failures++;
        lastFailure = (err as Error).message;
      }
    }
  } finally {
    await client.close();
  }
  return {
    requests: runs.length,
    medianMs: median(runs.map((r) => r.firstMs)),
    medianDeltas: median(runs.map((r) => r.deltas)),
    maxGapMs: Math.max(0, ...runs.map((r) => r.maxGapMs)),
    failures,
    lastFailure,
  };
}
