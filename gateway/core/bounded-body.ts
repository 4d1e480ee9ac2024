// Bounds on what a provider may send, enforced while it is read: a chunk that would carry the count
// past its limit is never handed on, and the source is not read again. Two measures:
//   'whole'  every byte of the body (a JSON answer, read whole);
//   'event'  the bytes since the last SSE event boundary (an empty line: LF, CR or CRLF twice), so an
//            endless stream of small events passes and one endless event does not.
// Generic on purpose: the caller says what error a crossed bound throws (client.ts makes it an
// UpstreamError and destroys the socket).

import { Readable } from 'node:stream';
import { Response } from 'undici';
import type { LoopSlices } from './loop-slices.js';

export type BoundMode = 'whole' | 'event';

const LF = 0x0a;
const CR = 0x0d;

/** Counts bytes since the last SSE event boundary, across chunks. CR and LF never occur inside a multi-byte UTF-8 sequence. */
export class EventSpan {
  /** Bytes since the last boundary (the open event). */
  open = 0;
  /** The previous byte ended a line, so a line ending now is an empty line. */
  #atLineStart = true;
  /** The previous byte was CR, so an LF now completes CRLF and ends nothing. */
  #afterCR = false;

  /** Feeds a chunk; returns the longest span between two boundaries seen in it (including what was open before it). */
  push(chunk: Uint8Array): number {
    // Runs between line endings are skipped with native searches (memchr), not walked byte by byte in JavaScript.
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let longest = 0;
    let open = this.open;
    let atLineStart = this.#atLineStart;
    let afterCR = this.#afterCR;
    let nextLF = -2;
    let nextCR = -2;
    for (let i = 0; i < bytes.length; ) {
      if (nextLF !== -1 && nextLF < i) nextLF = bytes.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = bytes.indexOf(CR, i);
      const at = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      const end = at === -1 ? bytes.length : at;
      if (end > i) {
        open += end - i;
        atLineStart = false;
        afterCR = false;
      }
      if (at === -1) break;
      const b = bytes[at];
      open++;
      if (b === LF && afterCR) {
        afterCR = false;
      } else {
        afterCR = b === CR;
        if (atLineStart) {
          if (open > longest) longest = open;
          open = 0;
        }
        atLineStart = true;
      }
      i = at + 1;
    }
    this.open = open;
    this.#atLineStart = atLineStart;
    this.#afterCR = afterCR;
    return Math.max(longest, open);
  }
}

/** Tracks one bound over a sequence of chunks. */
export class BodyBound {
  readonly #span: EventSpan | null;
  #total = 0;

  constructor(
    readonly limit: number,
    readonly mode: BoundMode,
  ) {
    this.#span = mode === 'event' ? new EventSpan() : null;
  }

  /** Whether this chunk keeps the body within the bound. Once it answers false, the body is over. */
  admits(chunk: Uint8Array): boolean {
    if (this.#span) return this.#span.push(chunk) <= this.limit;
    this.#total += chunk.length;
    return this.#total <= this.limit;
  }
}

/**
 * Yields the chunks of `source` unchanged while they stay within the bound; throws `exceeded()` instead
 * of the chunk that crosses it. Leaving the loop early returns the source's iterator, so it is not read again.
 */
export async function* bounded(source: AsyncIterable<Uint8Array>, limit: number, mode: BoundMode, exceeded: () => Error): AsyncGenerator<Uint8Array> {
  const bound = new BodyBound(limit, mode);
  for await (const chunk of source) {
    if (!bound.admits(chunk)) throw exceeded();
    yield chunk;
  }
}

/**
 * The whole of `source` as one buffer, refused with `exceeded()` as soon as it passes `limit` bytes: at most `limit` bytes are ever held.
 * With `slices`, reading pauses for the next turn of the loop once the turn's budget is spent: a provider that pours a
 * large answer in as fast as the socket takes it would otherwise keep the loop in one turn until its buffers drain.
 */
export async function readBounded(source: AsyncIterable<Uint8Array>, limit: number, exceeded: () => Error, slices?: LoopSlices): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bounded(source, limit, 'whole', exceeded)) {
    chunks.push(chunk);
    if (slices) while (slices.spent()) await slices.next();
  }
  return Buffer.concat(chunks);
}

/** A byte stream of `source` that fails with `exceeded()` once it passes `limit` bytes, for an SDK that reads the stream itself. */
export function boundedStream(source: AsyncIterable<Uint8Array>, limit: number, exceeded: () => Error): Readable {
  return Readable.from(bounded(source, limit, 'whole', exceeded), { objectMode: false });
}

/**
 * The same answer, its body failing with `exceeded()` once it passes `limit` bytes, for an SDK that reads a
 * fetch Response itself (token endpoints, OpenID discovery and keys): it holds no more than `limit` of it.
 */
export function boundedResponse(res: Response, limit: number, exceeded: () => Error): Response {
  if (res.body === null) return res;
  const body = Readable.toWeb(boundedStream(res.body, limit, exceeded));
  return new Response(body as ConstructorParameters<typeof Response>[0], { status: res.status, statusText: res.statusText, headers: res.headers });
}
