// The streamed shape shared by OpenAI chat and legacy completions: chunks of `choices`, each with
// its own text, a finish_reason, and a final usage-only chunk. Only where the text sits differs.
import type { OutputMarker } from '../core/contracts.js';
import { isObject } from './json-object.js';
import { answerChoices, errorType } from './answer-shape.js';
import { openaiUsage } from './openai-common.js';
import type { CollectedOutput, StreamTransformer } from './types.js';
import { eventObject } from './sse.js';

export interface ChoiceText {
  read(choice: Record<string, unknown>): string | undefined;
  write(choice: Record<string, unknown>, text: string): void;
  /** Per-token logprobs of a choice, when present. */
  logprobs(choice: Record<string, unknown>): unknown[] | undefined;
  /** Where a choice's reasoning delta sits, for dialects that stream one. */
  reasoning?: { read(choice: Record<string, unknown>): string | undefined; write(choice: Record<string, unknown>, text: string): void };
  /** Tool-call argument pieces of a choice, by tool-call index. */
  toolArguments?(choice: Record<string, unknown>): { index: number; piece: string }[];
}

export function openaiChoiceStream(marker: OutputMarker | null, out: CollectedOutput, body: Record<string, unknown>, where: ChoiceText): StreamTransformer {
  const callerWantsUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const streams = new Map<number, ReturnType<OutputMarker['stream']>>();
  const reasoningStreams = new Map<number, ReturnType<OutputMarker['stream']>>();
  const toolArguments = new Map<number, string>();
  const logprobs: unknown[] = [];

  return {
    event(ev) {
      const chunk = eventObject(ev);
      if (!chunk) return [ev];
      // An error chunk (`{"error": …}`, as vLLM and OpenAI send mid-stream) ends the answer as failed.
      if (isObject(chunk.error)) out.providerError = errorType(chunk.error);
      const choices = answerChoices(chunk, true);
      if (chunk.usage) out.usage = openaiUsage(chunk.usage);
      // Usage was asked for upstream for the record; a caller who did not ask does not get it.
      if (choices.length === 0 && chunk.usage && !callerWantsUsage) return [];
      let changed = false;
      // (`usage: null` on every other chunk is what include_usage adds; harmless, so those chunks pass untouched.)
      if (!callerWantsUsage && chunk.usage) {
        delete chunk.usage;
        changed = true;
      }
      for (const choice of choices) {
        const index = typeof choice.index === 'number' ? choice.index : 0;
        if (index === 0) logprobs.push(...(where.logprobs(choice) ?? []));
        const text = where.read(choice);
        if (text !== undefined) {
          if (index === 0) out.text += text;
          if (marker) {
            let s = streams.get(index);
            if (!s) streams.set(index, (s = marker.stream()));
            const marked = s.push(text);
            // Most deltas carry no mark: forward the provider's bytes instead of re-serialising.
            if (marked !== text) {
              where.write(choice, marked);
              changed = true;
            }
          }
        }
        const thought = where.reasoning?.read(choice);
        if (thought !== undefined) {
          if (index === 0) out.reasoning += thought;
          if (marker) {
            let s = reasoningStreams.get(index);
            if (!s) reasoningStreams.set(index, (s = marker.stream()));
            const marked = s.push(thought);
            if (marked !== thought) {
              where.reasoning!.write(choice, marked);
              changed = true;
            }
          }
        }
        if (index === 0) {
          for (const { index: call, piece } of where.toolArguments?.(choice) ?? []) toolArguments.set(call, (toolArguments.get(call) ?? '') + piece);
          if (toolArguments.size > 0) out.toolArguments = [...toolArguments.values()];
        }
        if (choice.finish_reason != null && index === 0) out.complete = true;
      }
      if (logprobs.length > 0) out.topLogprobs = logprobs;
      return [changed ? { data: JSON.stringify(chunk) } : ev];
    },
  };
}
