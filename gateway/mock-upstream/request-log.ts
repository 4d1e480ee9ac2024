// The last requests the mock received, bounded, so tests can assert what a gateway forwarded.
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, the raw text when it is not JSON, or null when empty. */
  body: unknown;
  /** Set once the connection closed before the response was complete (client gone, reset, stall). */
  disconnected: boolean;
}

export class RequestLog {
  readonly #entries: ReceivedRequest[] = [];

  constructor(private readonly capacity: number) {}

  add(entry: ReceivedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.shift();
  }

  list(): ReceivedRequest[] {
    return [...this.#entries];
  }
}
