// ClientSink over a Node HTTP response: honours backpressure and turns the client going away
// into an abort of the upstream call.
// The write deadline (issue 21, slow readers): a write the client does not drain within
// limits.clientWriteMs disconnects it (a reset, so the kernel's buffers for it are dropped too) and
// aborts the call with a reason the request path records (`failed`, 499, naming the limit). The provider
// call is aborted with it, so its connection is released. Nothing is buffered beyond Node's own
// highWaterMark: the request path awaits each write, and the provider's body is not read meanwhile.
// The last piece (end) has the same deadline.
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ClientSink } from '../request-path/client-sink.js';
import { UpstreamError } from '../upstream/client.js';

/** The default of limits.clientWriteMs, for sinks built without one. */
export const DEFAULT_CLIENT_WRITE_MS = 30_000;

export interface NodeSinkOptions {
  /** limits.clientWriteMs: the longest a write may wait for the client to read. */
  writeMs?: number;
}

export class NodeSink implements ClientSink {
  readonly #res: ServerResponse;
  readonly #abort = new AbortController();
  readonly #writeMs: number;

  constructor(res: ServerResponse, opts: NodeSinkOptions = {}) {
    this.#res = res;
    this.#writeMs = opts.writeMs ?? DEFAULT_CLIENT_WRITE_MS;
    res.once('close', () => {
      if (!res.writableFinished) this.#abort.abort();
    });
  }

  /** Ends the call from the gateway's side: the request path reports `reason` (in the dialect, with a failed record). */
  cutOff(reason: Error): void {
    this.#abort.abort(reason);
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get headersSent(): boolean {
    return this.#res.headersSent;
  }

  head(status: number, headers: Record<string, string>): void {
    this.#res.writeHead(status, headers);
  }

  write(chunk: string): Promise<void> {
    if (this.#res.destroyed) return Promise.resolve();
    if (this.#res.write(chunk)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#res.off('drain', done);
        this.#res.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#tooSlow();
        done();
      }, this.#writeMs);
      this.#res.once('drain', done);
      this.#res.once('close', done);
    });
  }

  end(chunk?: string): void {
    if (this.#res.destroyed) return;
    this.#res.end(chunk);
    if (this.#res.writableFinished) return;
    // The last piece may not be read either: it gets the same deadline, then the connection goes.
    const timer = setTimeout(() => this.#tooSlow(), this.#writeMs);
    timer.unref();
    this.#res.once('close', () => clearTimeout(timer));
  }

  /** The client did not read in time: the call is aborted with why, then the connection is reset. */
  #tooSlow(): void {
    if (this.#res.destroyed) return;
    this.#abort.abort(
      new UpstreamError('aborted', `the client did not read its answer: a write could not drain within limits.clientWriteMs (${this.#writeMs} ms), so termsgate disconnected it`),
    );
    const socket = this.#res.socket as (Socket & { resetAndDestroy?: () => Socket }) | null;
    try {
      if (socket && typeof socket.resetAndDestroy === 'function') return void socket.resetAndDestroy();
    } catch {
      // Not a TCP socket (a pipe): destroyed below.
    }
    this.#res.destroy();
  }
}
