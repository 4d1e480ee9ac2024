// The Gemini API (generativelanguage.googleapis.com, v1beta): POST /v1beta/models/{model}:generateContent
// answers a GenerateContentResponse; :streamGenerateContent?alt=sse answers the same objects as SSE data
// events, the last one with finishReason and the full usageMetadata (Gemini sends no [DONE]).
import { planAnswer, type Answer } from './answer.js';
import { errorReply } from './errors.js';
import { newId } from './ids.js';
import { countsOf } from './counts.js';
import type { Prompt } from './prompt.js';
import { sseData, type Reply } from './reply.js';
import type { JsonBody, RouteContext } from './route.js';
import { splitChunks } from './tokens.js';

/** The path of a Gemini call: its model and whether it streams; null for any other path. */
/** The Gemini API's path, or Vertex AI's (the same body under a project's publisher model). */
const GEMINI_PATH = /^(?:\/v1beta|\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google)\/models\/([^:/]+):(generateContent|streamGenerateContent)$/;

export function geminiPath(path: string): { model: string; stream: boolean } | null {
  const m = GEMINI_PATH.exec(path);
  return m ? { model: decodeURIComponent(m[1]), stream: m[2] === 'streamGenerateContent' } : null;
}

const partsText = (parts: unknown): string =>
  Array.isArray(parts) ? parts.map((p: JsonBody) => (typeof p?.text === 'string' ? p.text : '')).filter(Boolean).join('\n') : '';

export function geminiDirectiveText(body: JsonBody): string {
  const contents: JsonBody[] = Array.isArray(body.contents) ? body.contents : [];
  return partsText(contents.findLast((c) => c?.role === 'user' || c?.role === undefined)?.parts);
}

export function geminiReply(model: string, stream: boolean, body: JsonBody, ctx: RouteContext): Reply {
  if (!Array.isArray(body.contents) || body.contents.length === 0) return errorReply('gemini', 400, '* GenerateContentRequest.contents: contents is not specified');
  const contents: JsonBody[] = body.contents;
  const prompt: Prompt = {
    model,
    seed: JSON.stringify([body.systemInstruction ?? null, contents]),
    lastUserText: geminiDirectiveText(body),
    inputText: [partsText(body.systemInstruction?.parts), ...contents.map((c) => partsText(c?.parts))].join('\n'),
    tools: [],
    toolChoice: { mode: 'none' },
    format: body.generationConfig?.responseMimeType === 'application/json' ? { kind: 'json_object' } : { kind: 'text' },
    maxTokens: typeof body.generationConfig?.maxOutputTokens === 'number' ? body.generationConfig.maxOutputTokens : undefined,
    answeringToolResult: false,
  };
  const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
  const responseId = newId('');
  const finishReason = answer.finish === 'length' ? 'MAX_TOKENS' : 'STOP';
  if (!stream) {
    return { kind: 'json', status: 200, body: { candidates: [candidate(answer.text, finishReason)], usageMetadata: usage(prompt, answer), modelVersion: model, responseId } };
  }
  const pieces = splitChunks(answer.text);
  const frames = pieces.map((piece, i) =>
    sseData({
      candidates: [candidate(piece, i === pieces.length - 1 ? finishReason : undefined)],
      usageMetadata: i === pieces.length - 1 ? usage(prompt, answer) : { promptTokenCount: countsOf(prompt.inputText, answer).input, totalTokenCount: countsOf(prompt.inputText, answer).input },
      modelVersion: model,
      responseId,
    }),
  );
  return { kind: 'sse', frames };
}

function candidate(text: string, finishReason: string | undefined): JsonBody {
  return { content: { parts: [{ text }], role: 'model' }, ...(finishReason ? { finishReason } : {}), index: 0 };
}

function usage(prompt: Prompt, answer: Answer) {
  const { input, output } = countsOf(prompt.inputText, answer);
  return { promptTokenCount: input, candidatesTokenCount: output, totalTokenCount: input + output };
}
