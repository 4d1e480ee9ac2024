// response transform: a provider's successful answer read, marked and readied for the caller — an event
// stream relayed as it comes (all but its last event), or a JSON answer parsed whole — and what a failure
// while reading it is answered with.
import { toUpstreamError, UpstreamError, type UpstreamResponse } from '../upstream/client.js';
import { errorAnswer, errorTypeOf, upstreamAuthFailedMessage } from '../core/errors.js';
import { SseRelay, sendsNewOutput } from '../dialects/sse.js';
import { isObject } from '../dialects/json-object.js';
import { translationFor } from '../dialects/translation.js';
import { ProviderAnswerError, type CollectedOutput, type ParsedRequest } from '../dialects/types.js';
import { jsonShapeFault } from '../text/json-nesting.js';
import type { LoopSlices } from '../core/loop-slices.js';
import type { OutputMarker } from '../core/contracts.js';
import type { CallErrorType } from '../../telemetry/types.js';
import type { Call } from './call.js';
import type { ClientSink } from './client-sink.js';

/** Deepest nesting of a provider's JSON answer: checked before it is parsed, so nothing recursive downstream can overflow on it. */
export const MAX_ANSWER_DEPTH = 256;
/** Members of one object of a provider's JSON answer at most: a huge object blocks the event loop while it is parsed (intake.maxObjectKeys' reason). */
export const MAX_ANSWER_KEYS = 1000;

/** What a client whose stream the provider ended short is told, after what it got (its record says incomplete). */
export const STREAM_CUT_SHORT = "the provider's stream ended before its end event (finish reason, message_stop, response.completed)";

/** A failure of the provider's connection or of the upstream client's bounds (undici's errors carry a code), not of what it sent. */
function isConnectionError(err: unknown): boolean {
  return err instanceof UpstreamError || (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string');
}

/** An error as the audit record names it: its class and message, never a stack. */
export function reason(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 300) : String(err).slice(0, 300);
}

export interface ReadAnswer {
  /** What the record names as the response: the answer's text, or an embedding's usage. */
  responseContent: unknown;
  /** Sends what completes the answer: the whole JSON body, or a stream's last event. Called after the completed record. */
  deliver: () => void;
}

/**
 * Reads a 2xx answer into `out`. A stream's head and its output go out as they come, its end events after the record;
 * a JSON answer is serialised before anything is recorded or offered for training, so an answer that
 * cannot be sent is a failure, never an empty 200. Throws on anything that cannot be passed on.
 */
export async function readAnswer(
  call: Call,
  parsed: ParsedRequest,
  body: Record<string, unknown>,
  res: UpstreamResponse,
  headers: Record<string, string>,
  marker: OutputMarker | null,
  out: CollectedOutput,
  sink: ClientSink,
  slices: LoopSlices,
): Promise<ReadAnswer> {
  const { adapter } = call;
  const translation = translationFor(call.route!.providerKind, adapter.endpoint);
  const eventStream = String(res.headers['content-type'] ?? '').includes('text/event-stream');
  // The shape the caller asked for, not the one the provider chose: a client that asked for JSON cannot
  // read events as its answer, and one that asked for a stream would get a stream with no end event.
  if (eventStream !== parsed.stream) {
    await res.body.dump().catch(() => undefined);
    throw new ProviderAnswerError(parsed.stream ? "the provider's answer to a call that asked for a stream is not an event stream" : "the provider answered an event stream to a call that did not ask for one");
  }
  if (eventStream) {
    sink.head(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    call.streaming = true;
    const inner = adapter.streamTransformer(marker, out, body);
    const translate = translation?.streamEvents(call.route!.upstreamModel);
    const relay = new SseRelay(translate ? { event: (ev) => translate(ev).flatMap((e) => inner.event(e)) } : inner, sendsNewOutput(out));
    let first = '';
    for await (const chunk of res.body) {
      while (slices.spent()) await slices.next();
      if (first.length < 64 && relay.events === 0) first += Buffer.from(chunk as Uint8Array).toString('utf8', 0, 64);
      const text = relay.push(chunk as Uint8Array);
      if (text) {
        await sink.write(text);
        // Time to first token: the first write after the provider's output (text, reasoning or a tool call) began.
        if (out.text.length > 0 || out.reasoning.length > 0 || out.toolArguments.length > 0) call.tel.firstToken();
      }
    }
    const tail = relay.end();
    if (tail) await sink.write(tail);
    if (relay.events === 0) throw new ProviderAnswerError(`the provider's answer is labelled an event stream but carries no events${/^\s*[[{]/.test(first) ? ' (its body is JSON)' : ''}`);
    if (out.providerError !== null) throw new ProviderAnswerError(`the provider's stream carried an error event (${out.providerError})`);
    const last = relay.last() || '';
    // Cut short by the provider: delivered as far as it went, then said so in the dialect's error event.
    const cut = out.complete ? '' : adapter.streamError(502, STREAM_CUT_SHORT);
    return { responseContent: out.text, deliver: () => sink.end(last + cut || undefined) };
  }
  const raw = await res.body.text();
  const fault = jsonShapeFault(raw, MAX_ANSWER_DEPTH, MAX_ANSWER_KEYS);
  if (fault === 'depth') throw new ProviderAnswerError(`the provider's answer is nested deeper than ${MAX_ANSWER_DEPTH} levels`);
  if (fault === 'keys') throw new ProviderAnswerError(`an object in the provider's answer has more than ${MAX_ANSWER_KEYS} members`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ProviderAnswerError(/^\s*(data|event):/.test(raw) ? "the provider's answer is an event stream labelled as JSON" : "the provider's answer is not JSON");
  }
  if (!isObject(json)) throw new ProviderAnswerError("the provider's answer is not a JSON object");
  const answered = translation ? translation.response(json, call.route!.upstreamModel) : json;
  adapter.transformJson(answered, marker, out);
  // Unmarked answers (structured output, embeddings, watermark off) go out byte for byte as the provider sent them.
  const answer = marker || translation ? JSON.stringify(answered) : raw;
  out.complete = true;
  return {
    responseContent: adapter.endpoint === 'embeddings' ? { usage: out.usage } : out.text,
    deliver: () => {
      sink.head(res.status, { ...headers, 'content-type': 'application/json' });
      sink.end(answer);
    },
  };
}

export interface ProviderErrorAnswer {
  status: number;
  /** What the record says. */
  error: string;
  contentType: string;
  text: string;
}

/**
 * A provider's error answer keeps its status and body shape (scrubbed by the upstream client), in the
 * caller's dialect when translated, except a refusal of the gateway's credentials, which is the
 * gateway's failure (502) and not the caller's key.
 */
export async function providerErrorAnswer(call: Call, res: UpstreamResponse): Promise<ProviderErrorAnswer> {
  const translation = translationFor(call.route!.providerKind, call.adapter.endpoint);
  let text = await res.body.text().catch(() => '');
  let providerStatus = res.status;
  if (translation) ({ status: providerStatus, text } = translation.error(res.status, text));
  const own = providerStatus === 401 || providerStatus === 403;
  const status = own ? 502 : providerStatus;
  const error = own ? upstreamAuthFailedMessage(call.route!.providerId, providerStatus) : `provider answered ${res.status}`;
  return {
    status,
    error,
    contentType: own || translation ? 'application/json' : String(res.headers['content-type'] ?? 'application/json'),
    text: own ? JSON.stringify(errorAnswer('upstream_auth_failed', call.adapter.dialect, error, { decisionId: call.id }).body) : text,
  };
}

export interface AnswerFailure {
  status: number;
  message: string;
  type: CallErrorType;
  /** The caller went away: no error event is written to it. */
  aborted: boolean;
  /** Not the connection but the answer itself could not be passed on: worth a log line. */
  unexpected: boolean;
}

/** A failure of the provider's connection keeps its kind; anything else is an answer that could not be passed on (502). */
export function answerFailure(err: unknown, signal: AbortSignal): AnswerFailure {
  const e = err instanceof ProviderAnswerError || !(signal.aborted || isConnectionError(err)) ? null : toUpstreamError(err, signal);
  if (e) return { status: e.status, message: e.message, type: errorTypeOf(e.kind), aborted: e.kind === 'aborted', unexpected: false };
  const message = err instanceof ProviderAnswerError ? err.message : `the provider's answer could not be processed (${reason(err)})`;
  return { status: 502, message, type: 'upstream_protocol', aborted: false, unexpected: true };
}
