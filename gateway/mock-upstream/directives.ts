// Behaviour switches. Global ones come from the server options; per-request ones are written in the
// last user message as `mock:NAME[=N]`, because message text reaches the mock through the gateway
// unchanged.
export interface Behaviour {
  /** Answer with this HTTP error (400-599) in the endpoint's dialect. */
  status?: number;
  /** Destroy the socket before responding. */
  reset: boolean;
  /** Send this many chunks (SSE events), then destroy the socket. */
  resetAfter?: number;
  /** Accept the request and never answer. */
  stall: boolean;
  /** Send this many chunks (SSE events), then hang. */
  stallAfter?: number;
  /** Send this many chunks (SSE events), then end the response cleanly, without the stream's end events. */
  truncateAfter?: number;
  latencyMs: number;
  chunkDelayMs: number;
  words?: number;
  /** Echo the presented provider key: in the error message (with mock:status) and in the request-id header. */
  echoKey?: true;
}

export interface GlobalBehaviour {
  latencyMs?: number;
  chunkDelayMs?: number;
  words?: number;
}

const DIRECTIVE = /\bmock:(status|reset-after|reset|stall-after|stall|truncate-after|latency|chunk-delay|words|echo-key)(?:=(\d+))?/g;

export function behaviourFor(globals: GlobalBehaviour, text: string): Behaviour {
  const behaviour: Behaviour = {
    reset: false,
    stall: false,
    latencyMs: globals.latencyMs ?? 0,
    chunkDelayMs: globals.chunkDelayMs ?? 0,
    words: globals.words,
  };
  if (!text.includes('mock:')) return behaviour;
  for (const [, name, raw] of text.matchAll(DIRECTIVE)) {
    const n = raw === undefined ? undefined : Number(raw);
    switch (name) {
      case 'status':
        if (n !== undefined && n >= 400 && n <= 599) behaviour.status = n;
        break;
      case 'reset':
        behaviour.reset = true;
        break;
      case 'stall':
        behaviour.stall = true;
        break;
      case 'reset-after':
        if (n !== undefined) behaviour.resetAfter = n;
        break;
      case 'stall-after':
        if (n !== undefined) behaviour.stallAfter = n;
        break;
      case 'truncate-after':
        if (n !== undefined) behaviour.truncateAfter = n;
        break;
      case 'latency':
        if (n !== undefined) behaviour.latencyMs = n;
        break;
      case 'chunk-delay':
        if (n !== undefined) behaviour.chunkDelayMs = n;
        break;
      case 'words':
        if (n !== undefined && n > 0) behaviour.words = n;
        break;
      case 'echo-key':
        behaviour.echoKey = true;
        break;
    }
  }
  return behaviour;
}
