// The message of a provider's error answer, whatever its dialect: OpenAI, Anthropic and Gemini put it at
// error.message, Bedrock at message (Message in some services' answers).
import { isObject } from './json-object.js';

/** The provider's own message, at most 2,000 characters; `fallback` when the answer carries none. */
export function providerErrorMessage(text: string, fallback: string): string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fallback;
  }
  if (!isObject(body)) return fallback;
  const message = isObject(body.error) ? body.error.message : (body.message ?? body.Message);
  return typeof message === 'string' ? message.slice(0, 2000) : fallback;
}
