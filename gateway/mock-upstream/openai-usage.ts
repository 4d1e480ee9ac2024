// Usage objects in OpenAI's shapes.
import type { Counts } from './counts.js';

export function chatUsage(c: Counts) {
  return {
    prompt_tokens: c.input,
    completion_tokens: c.output,
    total_tokens: c.input + c.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: c.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function responsesUsage(c: Counts) {
  return {
    input_tokens: c.input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: c.output,
    output_tokens_details: { reasoning_tokens: c.reasoning },
    total_tokens: c.input + c.output,
  };
}
