// A caller's dialect carried to a provider of another kind (issue 24; the interface, ProviderTranslation, is
// in types.ts): the request path sends what `request` makes of the caller's (rewritten) body to `path`, and
// reads the answer back through `response`, `streamEvents` and `error`, so the endpoint adapter, watermarking
// and the audit record work on the caller's dialect unchanged. Native pairs have none.
import type { Endpoint, ProviderKind } from '../core/contracts.js';
import { anthropicChat } from './anthropic-chat.js';
import { bedrockChat } from './bedrock-chat.js';
import { geminiChat } from './gemini-chat.js';
import { OPENAI_KINDS } from './openai-common.js';
import { openaiMessages } from './openai-messages.js';
import type { ProviderTranslation } from './types.js';

/** The translation between an endpoint and a provider kind, or null when the provider speaks the endpoint natively. */
export function translationFor(kind: ProviderKind, endpoint: Endpoint): ProviderTranslation | null {
  if (kind === 'gemini' && endpoint === 'chat.completions') return geminiChat;
  if (kind === 'bedrock' && endpoint === 'chat.completions') return bedrockChat;
  // Anthropic's native API, not its OpenAI-compatible endpoint, which ignores tool results' order, image URLs and more.
  if (kind === 'anthropic' && endpoint === 'chat.completions') return anthropicChat;
  if (OPENAI_KINDS.includes(kind) && endpoint === 'messages') return byKind[kind as keyof typeof byKind];
  return null;
}

const byKind = { openai: openaiMessages('openai'), 'azure-openai': openaiMessages('azure-openai'), 'openai-compatible': openaiMessages('openai-compatible') };
