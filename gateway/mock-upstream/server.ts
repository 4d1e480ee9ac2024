// The HTTP adapter: plain node:http (node:https with a certificate) (the benchmark's upstream, so per-request work stays small),
// routing, body reading, the provider-key check and the request log.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { countTokens, messages } from './anthropic-messages.js';
import { deliver } from './delivery.js';
import { behaviourFor, type GlobalBehaviour } from './directives.js';
import { errorReply, statusMessage } from './errors.js';
import { newId } from './ids.js';
import { modelInfo, modelList } from './models.js';
import { chatCompletions } from './openai-chat.js';
import { completions } from './openai-completions.js';
import { embeddings } from './openai-embeddings.js';
import { geminiDirectiveText, geminiPath, geminiReply } from './gemini.js';
import { AZURE_NOT_FOUND, azurePath, azureReply } from './azure-openai.js';
import { bedrockDirectiveText, bedrockPath, bedrockReply, signatureValid, type AwsCredentials } from './bedrock.js';
import { responses } from './openai-responses.js';
import type { Dialect, Reply } from './reply.js';
import { RequestLog } from './request-log.js';
import type { JsonBody, Route } from './route.js';

export interface MockServerOptions extends GlobalBehaviour {
  apiKey?: string;
  /** Serve HTTPS with this key and certificate (PEM), as a provider behind its own CA. */
  tls?: { key: string; cert: string };
  /** A provider in trouble: the first `requests` calls (every call when absent) answer this error status. */
  outage?: { status: number; requests?: number };
  /** Bedrock calls must carry a SigV4 signature by these credentials. */
  aws?: AwsCredentials;
  models: readonly string[];
  sentences: readonly string[];
}

const ROUTES: Record<string, Route> = {
  '/v1/chat/completions': chatCompletions,
  '/v1/responses': responses,
  '/v1/completions': completions,
  '/v1/embeddings': embeddings,
  '/v1/messages': messages,
  '/v1/messages/count_tokens': countTokens,
};

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const LOG_CAPACITY = 200;

export function createMockServer(opts: MockServerOptions): { server: Server; log: RequestLog } {
  const log = new RequestLog(LOG_CAPACITY);
  let failed = 0;
  const down = () => opts.outage !== undefined && (opts.outage.requests === undefined || failed++ < opts.outage.requests);
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, opts, log, down).catch(() => {
      if (!res.headersSent) sendPlain(res, errorReply(dialectOf(req), 500, 'mock upstream failure'));
      else res.destroy();
    });
  };
  const server = opts.tls ? createTlsServer(opts.tls, listener) : createServer(listener);
  return { server, log };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: MockServerOptions, log: RequestLog, down: () => boolean): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  const dialect = dialectOf(req);
  const raw = await readBody(req);
  const body = parseJson(raw);
  const entry = { method: req.method ?? 'GET', url: req.url ?? '/', headers: { ...req.headers }, body: raw === '' ? null : (body ?? raw), disconnected: false };
  log.add(entry);
  res.once('close', () => {
    if (!res.writableFinished) entry.disconnected = true;
  });
  const headers = requestIdHeader(dialect);

  const bedrock = req.method === 'POST' ? bedrockPath(path) : null;
  if (bedrock && opts.aws && !(await signatureValid(req, raw, opts.aws))) {
    const reply = errorReply('bedrock', 403, 'The request signature we calculated does not match the signature you provided.');
    if (reply.kind === 'json') reply.headers = { 'x-amzn-errortype': 'InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/' };
    return sendPlain(res, reply, headers);
  }
  if (!bedrock && opts.apiKey !== undefined && !authorised(req, opts.apiKey)) {
    const message = dialect === 'anthropic' ? 'invalid x-api-key' : dialect === 'gemini' ? 'API key not valid. Please pass a valid API key.' : 'Incorrect API key provided.';
    return sendPlain(res, errorReply(dialect, 401, message), headers);
  }
  if (req.method === 'GET' && path === '/v1/models') return sendPlain(res, { kind: 'json', status: 200, body: modelList(dialect, opts.models) }, headers);
  if (req.method === 'GET' && path.startsWith('/v1/models/')) {
    return sendPlain(res, { kind: 'json', status: 200, body: modelInfo(dialect, decodeURIComponent(path.slice('/v1/models/'.length))) }, headers);
  }
  const gemini = req.method === 'POST' ? geminiPath(path) : null;
  const azure = req.method === 'POST' ? azurePath(path) : null;
  if (azure && !new URLSearchParams((req.url ?? '').split('?')[1] ?? '').get('api-version')) return sendPlain(res, AZURE_NOT_FOUND, headers);
  const route: Route | undefined = gemini
    ? { dialect: 'gemini', directiveText: geminiDirectiveText, reply: (json, ctx) => geminiReply(gemini.model, gemini.stream, json, ctx) }
    : bedrock
      ? { dialect: 'bedrock', directiveText: bedrockDirectiveText, reply: (json, ctx) => bedrockReply(bedrock.model, bedrock.stream, json, ctx) }
      : azure
      ? azureReply(ROUTES[azure.openaiPath], azure.deployment)
      : req.method === 'POST'
        ? ROUTES[path]
        : undefined;
  if (!route) return sendPlain(res, errorReply(dialect, 404, `Invalid URL (${req.method} ${path})`), headers);
  if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body)) {
    return sendPlain(res, errorReply(route.dialect, 400, 'We could not parse the JSON body of your request.'), headers);
  }
  const json = body as JsonBody;
  const behaviour = behaviourFor(opts, route.directiveText(json));
  // mock:echo-key plays a provider or proxy that repeats the credential it was given.
  const key = behaviour.echoKey ? (presentedKey(req) ?? '') : '';
  const echo = key ? ` Incorrect API key provided: ${key} (Authorization: Bearer ${key})` : '';
  const status = down() ? opts.outage!.status : behaviour.status;
  const reply: Reply =
    status !== undefined
      ? errorReply(route.dialect, status, statusMessage(status) + echo)
      : route.reply(json, { sentences: opts.sentences, behaviour, models: opts.models });
  const idHeader = requestIdHeader(route.dialect);
  if (key) for (const name of Object.keys(idHeader)) idHeader[name] = key;
  await deliver(req, res, reply, behaviour, idHeader);
}

function dialectOf(req: IncomingMessage): Dialect {
  if (req.url?.startsWith('/v1beta/') || geminiPath((req.url ?? '').split('?')[0])) return 'gemini';
  if (req.url?.startsWith('/model/')) return 'bedrock';
  return req.url?.startsWith('/v1/messages') || req.headers['anthropic-version'] !== undefined ? 'anthropic' : 'openai';
}

function requestIdHeader(dialect: Dialect): Record<string, string> {
  if (dialect === 'gemini') return {};
  if (dialect === 'bedrock') return { 'x-amzn-requestid': newId('') };
  return dialect === 'anthropic' ? { 'request-id': newId('req_') } : { 'x-request-id': newId('req_') };
}

/** Each provider's header carries the key: Bearer for OpenAI, x-api-key for Anthropic, x-goog-api-key for Gemini, api-key for Azure, AWS's session token. */
function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? req.headers['api-key'] ?? req.headers['x-amz-security-token'];
  return /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? (typeof header === 'string' ? header : undefined);
}

function authorised(req: IncomingMessage, apiKey: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  return bearer === apiKey || [req.headers['x-api-key'], req.headers['x-goog-api-key'], req.headers['api-key']].includes(apiKey);
}

function sendPlain(res: ServerResponse, reply: Reply, headers: Record<string, string> = {}): void {
  if (reply.kind !== 'json') throw new Error('only JSON replies are sent plain');
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...reply.headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
