// The client side of a call as the pipeline sees it: headers, body bytes with backpressure, and
// a signal that fires when the client goes away. The server adapts a Node response to it; tests
// can supply their own.
export interface ClientSink {
  readonly signal: AbortSignal;
  /** Sends the status line and headers. */
  head(status: number, headers: Record<string, string>): void;
  /** Writes a body chunk; resolves when the client can take more. */
  write(chunk: string): Promise<void>;
  end(chunk?: string): void;
  readonly headersSent: boolean;
}
