// Two translations one after the other: the caller's dialect to OpenAI chat (`first`), OpenAI chat to the
// provider's (`then`). An Anthropic caller reaches Bedrock this way, with exactly what both carry and a 400
// for what either refuses. Pure: no I/O.
import type { ProviderTranslation, SseEvent } from './types.js';

export function chained(first: ProviderTranslation, then: ProviderTranslation): ProviderTranslation {
  return {
    path: then.path,
    request(body) {
      const middle = first.request(body);
      return typeof middle === 'string' ? middle : then.request(middle);
    },
    response: (json, model) => first.response(then.response(json, model), model),
    streamEvents(model) {
      const inner = then.streamEvents(model);
      const outer = first.streamEvents(model);
      return (ev: SseEvent) => inner(ev).flatMap(outer);
    },
    error(status, text) {
      const middle = then.error(status, text);
      return first.error(middle.status, middle.text);
    },
  };
}
