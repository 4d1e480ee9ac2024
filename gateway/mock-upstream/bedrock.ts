// Amazon Bedrock's Converse API: POST /model/{modelId}/converse answers a ConverseResponse;
// /model/{modelId}/converse-stream answers AWS's binary event stream (messageStart, contentBlockDelta…,
// contentBlockStop, messageStop, metadata). Offered tools (toolConfig), it answers a toolUse block when the
// prompt asks for one, as the other dialects do; the request is checked as Bedrock checks it (bedrock-prompt.ts).
// With credentials given, every call's SigV4 signature is checked as AWS checks it (recomputed with AWS's
// signer); a wrong one is 403 InvalidSignatureException.
import type { IncomingMessage } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { SignatureV4 } from '@smithy/signature-v4';
import { planAnswer, type Answer } from './answer.js';
import { countsOf } from './counts.js';
import { errorReply } from './errors.js';
import type { Prompt } from './prompt.js';
import { conversePrompt, converseText } from './bedrock-prompt.js';
import type { Reply } from './reply.js';
import type { JsonBody, RouteContext } from './route.js';
import { splitChunks } from './tokens.js';

/** SHA-256 (and its HMAC) from node:crypto, as the AWS SDK uses it in Node. */
class Sha256Node extends Hash {
  constructor(secret?: ConstructorParameters<typeof Hash>[1]) {
    super('sha256', secret);
  }
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The model and whether it streams, for a Converse path; null for any other path. */
export function bedrockPath(path: string): { model: string; stream: boolean } | null {
  const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(path);
  return m ? { model: decodeURIComponent(m[1]), stream: m[2] === 'converse-stream' } : null;
}

/** Whether the request carries a valid SigV4 signature for these credentials (service bedrock). */
export async function signatureValid(req: IncomingMessage, raw: string, aws: AwsCredentials): Promise<boolean> {
  const auth = req.headers.authorization ?? '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/bedrock\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(auth);
  const date = req.headers['x-amz-date'];
  if (!m || m[1] !== aws.accessKeyId || m[2] !== aws.region || typeof date !== 'string') return false;
  const headers: Record<string, string> = {};
  for (const name of m[3].split(';')) {
    const v = req.headers[name];
    if (typeof v === 'string') headers[name] = v;
  }
  const signer = new SignatureV4({ service: 'bedrock', region: aws.region, sha256: Sha256Node, credentials: aws });
  const [path] = (req.url ?? '/').split('?');
  const signingDate = new Date(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const expected = await signer.sign({ method: req.method ?? 'POST', protocol: 'http:', hostname: String(req.headers.host ?? ''), path, query: {}, headers, body: raw }, { signingDate });
  return expected.headers.authorization === auth;
}

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

function event(type: string, payload: JsonBody): Uint8Array {
  return codec.encode({
    headers: { ':event-type': { type: 'string', value: type }, ':content-type': { type: 'string', value: 'application/json' }, ':message-type': { type: 'string', value: 'event' } },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}

export function bedrockDirectiveText(body: JsonBody): string {
  const messages: JsonBody[] = Array.isArray(body.messages) ? body.messages : [];
  return converseText(messages.findLast((m) => m?.role === 'user')?.content);
}

export function bedrockReply(model: string, stream: boolean, body: JsonBody, ctx: RouteContext): Reply {
  const prompt = conversePrompt(model, body);
  if (typeof prompt === 'string') return errorReply('bedrock', 400, prompt);
  const answer = planAnswer(prompt, ctx.sentences, ctx.behaviour.words);
  const call = answer.toolCalls[0];
  const stopReason = call ? 'tool_use' : answer.finish === 'length' ? 'max_tokens' : 'end_turn';
  // Like Claude on Bedrock, a short sentence before the tool call.
  const text = call ? answer.preamble : answer.text;
  const toolUse = call && { toolUseId: `tooluse_${call.id}`, name: call.name };
  // A reasoning model (DeepSeek-R1 on Bedrock) answers a reasoningContent block first.
  const reasoning = answer.reasoning;
  if (!stream) {
    const content = [
      ...(reasoning === undefined ? [] : [{ reasoningContent: { reasoningText: { text: reasoning, signature: REASONING_SIGNATURE } } }]),
      { text },
      ...(call ? [{ toolUse: { ...toolUse, input: JSON.parse(call.arguments) } }] : []),
    ];
    return { kind: 'json', status: 200, body: { output: { message: { role: 'assistant', content } }, stopReason, usage: usage(prompt, answer), metrics: { latencyMs: 1 } } };
  }
  const first = reasoning === undefined ? 0 : 1;
  const frames = [
    event('messageStart', { role: 'assistant' }),
    ...(reasoning === undefined
      ? []
      : [
          ...splitChunks(reasoning).map((piece) => event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: piece } } })),
          event('contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: REASONING_SIGNATURE } } }),
          event('contentBlockStop', { contentBlockIndex: 0 }),
        ]),
    ...splitChunks(text).map((piece) => event('contentBlockDelta', { contentBlockIndex: first, delta: { text: piece } })),
    event('contentBlockStop', { contentBlockIndex: first }),
    ...(call
      ? [
          event('contentBlockStart', { contentBlockIndex: first + 1, start: { toolUse } }),
          ...(call.arguments.match(/[\s\S]{1,8}/g) ?? []).map((input) => event('contentBlockDelta', { contentBlockIndex: first + 1, delta: { toolUse: { input } } })),
          event('contentBlockStop', { contentBlockIndex: first + 1 }),
        ]
      : []),
    event('messageStop', { stopReason }),
    event('metadata', { usage: usage(prompt, answer), metrics: { latencyMs: 1 } }),
  ];
  return { kind: 'sse', frames, contentType: 'application/vnd.amazon.eventstream' };
}

// Bedrock signs reasoning blocks; the mock's signature only has the right shape.
const REASONING_SIGNATURE = 'mock-reasoning-signature';

function usage(prompt: Prompt, answer: Answer) {
  const { input, output } = countsOf(prompt.inputText, answer);
  return { inputTokens: input, outputTokens: output, totalTokens: input + output };
}
