// What the request path needs to know about one endpoint of one API dialect. Each endpoint's
// module implements this; nothing else in the gateway looks inside request or response bodies.
import type { Dialect, Endpoint, OutputMarker, ProviderKind, Usage } from '../core/contracts.js';

export interface ParsedRequest {
  model: string;
  stream: boolean;
  /** The prompt as the caller sent it (messages, input or prompt), for the training feed. */
  prompt: unknown[];
  /** JSON mode or schema-constrained output: bytes pass through untouched, no watermark. */
  structured: boolean;
}

/** What the response carried, collected as it passes: the original, unmarked text. */
export interface CollectedOutput {
  text: string;
  /** Reasoning (`reasoning_content`, Anthropic thinking blocks): marked like text. */
  reasoning: string;
  /** Tool-call arguments as sent: fingerprinted, never marked. */
  toolArguments: string[];
  usage: Usage | null;
  topLogprobs: unknown[] | null;
  /** The answer reached its end (a JSON body, or a stream's finish reason, message_stop, response.completed). */
  complete: boolean;
  /** The provider's stream carried an error event: its type (never its message, which may echo anything). */
  providerError: string | null;
}

/**
 * A provider answer the gateway cannot pass on as this endpoint's: mislabelled, not JSON, nested too
 * deep, no events, or text where the endpoint keeps none (so it would leave unmarked and unrecorded).
 * Answered with a 502 (an error event once a stream has begun).
 */
export class ProviderAnswerError extends Error {}

export interface SseEvent {
  event?: string;
  data: string;
}

export interface StreamTransformer {
  /** Transforms one upstream event into the events to send the client (none, one or several); throws ProviderAnswerError on an event whose text it cannot read. */
  event(ev: SseEvent): SseEvent[];
}

export interface EndpointAdapter {
  readonly endpoint: Endpoint;
  readonly dialect: Dialect;
  /** The path, identical on the gateway and on the provider. */
  readonly path: string;
  /** Provider kinds that speak this endpoint. */
  accepts(kind: ProviderKind): boolean;
  /** Reads the request; a string is the reason it is invalid. */
  parse(body: unknown): ParsedRequest | string;
  /** The body to send upstream. */
  upstreamBody(body: Record<string, unknown>, upstreamModel: string): Record<string, unknown>;
  /** Marks (when a marker is given) and collects a complete JSON response, in place; throws ProviderAnswerError on an answer not of this endpoint's shape. */
  transformJson(json: Record<string, unknown>, marker: OutputMarker | null, out: CollectedOutput): void;
  /** A transformer for one streamed response. */
  streamTransformer(marker: OutputMarker | null, out: CollectedOutput, body: Record<string, unknown>): StreamTransformer;
  /** The event, in wire format, that tells a client whose stream has begun that the answer failed. */
  streamError(status: number, message: string): string;
}

/** A caller's endpoint carried to a provider that speaks another dialect (translation.ts picks one). */
export interface ProviderTranslation {
  /** The provider's path (below its base URL) for this call. */
  path(upstreamModel: string, stream: boolean): string;
  /** The caller-dialect body, rewritten for upstream, as the provider's body; a string is why it cannot be sent. */
  request(body: Record<string, unknown>): Record<string, unknown> | string;
  /** The provider's JSON answer in the caller's dialect. */
  response(json: Record<string, unknown>, upstreamModel: string): Record<string, unknown>;
  /** A translator for one stream: each provider event as the caller dialect's events. */
  streamEvents(upstreamModel: string): (ev: SseEvent) => SseEvent[];
  /** A provider error answer in the caller's dialect (status kept, except a refused credential that the provider calls 400). */
  error(status: number, text: string): { status: number; text: string };
}

export function emptyOutput(): CollectedOutput {
  return { text: '', reasoning: '', toolArguments: [], usage: null, topLogprobs: null, complete: false, providerError: null };
}

/** Everything an output served, as one text for the fingerprint index: reasoning, text, tool arguments. */
export function servedText(out: CollectedOutput): string {
  return [out.reasoning, out.text, ...out.toolArguments].filter((t) => t.length > 0).join('\n\n');
}
