// ClientSink over a Node HTTP response: honours backpressure and turns the client going away
// into an abort of the upstream call.
import type { ServerResponse } from 'node:http';
import type { ClientSink } from '../request-path/client-sink.js';

export class NodeSink implements ClientSink {
  readonly #res: ServerResponse;
  readonly #abort = new AbortController();

  constructor(res: ServerResponse) {
    this.#res = res;
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
        this.#res.off('drain', done);
        this.#res.off('close', done);
        resolve();
      };
      this.#res.once('drain', done);
      this.#res.once('close', done);
    });
  }

  end(chunk?: string): void {
    if (!this.#res.destroyed) this.#res.end(chunk);
  }
}
