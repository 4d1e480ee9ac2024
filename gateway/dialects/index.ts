import { anthropicCountTokens } from './anthropic-count-tokens.js';
import { anthropicMessages } from './anthropic-messages.js';
import { openaiChat } from './openai-chat.js';
import { openaiCompletions } from './openai-completions.js';
import { openaiEmbeddings } from './openai-embeddings.js';
import { openaiResponses } from './openai-responses.js';
import type { EndpointAdapter } from './types.js';

export const endpointAdapters: EndpointAdapter[] = [openaiChat, openaiResponses, openaiCompletions, openaiEmbeddings, anthropicMessages, anthropicCountTokens];
