// A caller's dialect carried to a provider of another kind (issue 24; the interface, ProviderTranslation, is
// in types.ts): the request path sends what `request` makes of the caller's (rewritten) body to `path`, and
// reads the answer back through `response`, `streamEvents` and `error`, so the endpoint adapter, watermarking
// and the audit record work on the caller's dialect unchanged. Native pairs have none.
import type { Endpoint, ProviderKind } from '../core/contracts.js';
import { anthropicChat } from './anthropic-chat.js';
import { bedrockChat } from './bedrock-chat.js';
import { chained } from './chained-translation.js';
import { geminiChat } from './gemini-chat.js';
import { openaiMessages } from './openai-messages.js';
import type { ProviderTranslation } from './types.js';

/** The translation between an endpoint and a provider kind, or null when the provider speaks the endpoint natively. */
export function translationFor(kind: ProviderKind, endpoint: Endpoint): ProviderTranslation | null {
  if (kind === 'gemini' && endpoint === 'chat.completions') return geminiChat;
  if (kind === 'bedrock' && endpoint === 'chat.completions') return bedrockChat;
  // Anthropic's native API rather than its OpenAI-compatible endpoint, which Anthropic offers for trying models out, not for production.
  if (kind === 'anthropic' && endpoint === 'chat.completions') return anthropicChat;
  if (endpoint === 'messages' && kind in forMessages) return forMessages[kind as keyof typeof forMessages];
  return null;
}

/** An Anthropic caller's translation per provider kind; Bedrock through OpenAI chat, which its translation speaks. */
const forMessages = {
  openai: openaiMessages('openai'),
  'azure-openai': openaiMessages('azure-openai'),
  'openai-compatible': openaiMessages('openai-compatible'),
  bedrock: chained(openaiMessages('bedrock'), bedrockChat),
};
