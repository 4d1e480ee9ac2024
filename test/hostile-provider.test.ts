// Issue 21, the provider side tried as a hostile or broken provider would: a raw TCP server on 127.0.0.1
// (node:net, so it can send what no HTTP library would) answers each call through the real gateway with
// one variant: broken framing, informational floods, odd JSON, odd event streams, resets and poisoned
// keep-alive connections. For every variant and dialect the test asserts that (a) the call ends within a
// bound (time and RSS printed), (b) the client gets a clear answer in its dialect — a whole answer, a
// 502/504 JSON error, or an error event and the end of the stream, never an empty 200 and never a hang —
// (c) the final record agrees with what the client got (status, phase; no training permit unless the
// answer was whole), and (d) an attacking connection is closed by the gateway.
import t, { type Test } from 'tap';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startDemoGateway } from './support/demo-gateway.js';
import { until } from './support/until.js';

const LIMITS = { headersTimeoutMs: 1_000, bodyTimeoutMs: 1_500, upstreamTotalMs: 4_000, upstreamAnswerBytes: 8 * 2 ** 20, upstreamEventBytes: 2 ** 20 };
/** No attack writes for longer than this, whatever the gateway does. */
const ATTACK_MAX_MS = 15_000;

type Dialect = 'openai' | 'anthropic';
interface Ctx {
  stream: boolean;
  dialect: Dialect;
}
type Expect = 'whole' | 'error' | 'either';
interface Variant {
  name: string;
  expect: Expect;
  /** Writes the attack on the raw socket; the request has been read unless `early`. */
  answer: (s: Socket, ctx: Ctx) => void | Promise<void>;
  dialects?: Dialect[];
  streams?: boolean[];
  /** Answer before the request body is read. */
  early?: boolean;
  /** The client's error message must match. */
  message?: RegExp;
  /** An attack the gateway must cut: its connection is closed. */
  cut?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const alive = (s: Socket, until: number) => !s.destroyed && Date.now() < until;

/** Writes `piece()` until the socket closes or ATTACK_MAX_MS, with backpressure. */
async function pour(s: Socket, piece: () => string | Buffer, pauseMs = 0): Promise<void> {
  const end = Date.now() + ATTACK_MAX_MS;
  while (alive(s, end)) {
    if (!s.write(piece())) await new Promise<void>((r) => { const d = () => { s.off('drain', d); s.off('close', d); r(); }; s.once('drain', d).once('close', d); });
    if (pauseMs) await sleep(pauseMs);
  }
  s.destroy();
}

// Answers that are whole and valid, in each dialect, as JSON and as events.
const openaiJson = (content: unknown = 'hello there', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'chatcmpl-h', object: 'chat.completion', created: 0, model: 'Qwen/Qwen2.5-7B-Instruct', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, ...extra });
const anthropicJson = (content: unknown = 'hello there', extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'msg_h', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-latest', content: [{ type: 'text', text: content }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 2 }, ...extra });
const json = (ctx: Ctx, content?: unknown, extra?: Record<string, unknown>) => (ctx.dialect === 'anthropic' ? anthropicJson(content, extra) : openaiJson(content, extra));
const oaiChunk = (content: string, finish: string | null = null) => `data: ${JSON.stringify({ id: 'chatcmpl-h', object: 'chat.completion.chunk', created: 0, model: 'Qwen/Qwen2.5-7B-Instruct', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const antEvent = (type: string, data: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const antStart = () => antEvent('message_start', { message: { id: 'msg_h', type: 'message', role: 'assistant', model: 'claude-3-5-haiku-latest', content: [], stop_reason: null, usage: { input_tokens: 3, output_tokens: 0 } } }) + antEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const antDelta = (text: string) => antEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
const antEnd = () => antEvent('content_block_stop', { index: 0 }) + antEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 2 } }) + antEvent('message_stop', {});
/** The events of a whole stream, in the dialect. */
const streamOf = (ctx: Ctx, parts: string[]) => (ctx.dialect === 'anthropic' ? antStart() + parts.map(antDelta).join('') + antEnd() : parts.map((p) => oaiChunk(p)).join('') + oaiChunk('', 'stop') + 'data: [DONE]\n\n');
const head = (status: string, headers: Record<string, string | number>) => `HTTP/1.1 ${status}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
/** A complete HTTP/1.1 answer with a content-length. */
const http = (body: string | Buffer, type: string, status = '200 OK', extra: Record<string, string | number> = {}) =>
  Buffer.concat([Buffer.from(head(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...extra })), Buffer.from(body)]);
const answerOf = (ctx: Ctx) => (ctx.stream ? http(streamOf(ctx, ['hello ', 'there']), 'text/event-stream') : http(json(ctx), 'application/json'));
const sseHead = head('200 OK', { 'content-type': 'text/event-stream', 'transfer-encoding': 'chunked' });
const chunked = (text: string | Buffer) => Buffer.concat([Buffer.from(`${Buffer.byteLength(text).toString(16)}\r\n`), Buffer.from(text), Buffer.from('\r\n')]);

const variants: Variant[] = [
  // Raw framing.
  {
    name: 'headers trickled one byte at a time',
    expect: 'error',
    cut: true,
    message: /headersTimeoutMs/,
    answer: async (s) => {
      const bytes = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}');
      for (let i = 0; i < bytes.length && alive(s, Date.now() + 1); i++) {
        s.write(bytes.subarray(i, i + 1));
        await sleep(250);
      }
    },
  },
  { name: 'an endless header block', expect: 'error', cut: true, answer: (s) => (s.write('HTTP/1.1 200 OK\r\n'), pour(s, () => `x-pad: ${'a'.repeat(1000)}\r\n`)) },
  { name: '10,000 headers', expect: 'error', cut: true, answer: (s) => void s.end(`HTTP/1.1 200 OK\r\n${'x-h: 1\r\n'.repeat(10_000)}content-length: 2\r\n\r\n{}`) },
  { name: 'a flood of 100 Continue and 103 Early Hints, never the answer', expect: 'error', cut: true, answer: (s) => pour(s, () => 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>; rel=preload\r\n\r\n', 1) },
  { name: 'a few 100 Continue then the real answer', expect: 'either', answer: (s, ctx) => void s.end(Buffer.concat([Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(5)), answerOf(ctx)])) },
  { name: 'a status line that is not HTTP', expect: 'error', cut: true, answer: (s) => void s.end('SSH-2.0-OpenSSH_9.6\r\n\r\n') },
  {
    name: 'HTTP/1.0, no content-length, body delimited by close',
    expect: 'whole',
    answer: (s, ctx) => void s.end(`HTTP/1.0 200 OK\r\ncontent-type: ${ctx.stream ? 'text/event-stream' : 'application/json'}\r\n\r\n${ctx.stream ? streamOf(ctx, ['hello ', 'there']) : json(ctx)}`),
  },
  { name: 'a content-length larger than what is sent, then close', expect: 'error', answer: (s, ctx) => void s.end(answerOf(ctx).toString().replace(/content-length: \d+/, 'content-length: 99999')) },
  { name: 'a chunk-extension flood', expect: 'error', cut: true, answer: (s) => (s.write(head('200 OK', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }) + '2'), pour(s, () => ';a=b'.repeat(256))) },
  { name: 'an endless chunk-size line', expect: 'error', cut: true, answer: (s) => (s.write(head('200 OK', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })), pour(s, () => '0'.repeat(1024))) },
  {
    name: 'chunked with trailers',
    expect: 'whole',
    answer: (s, ctx) => {
      const body = ctx.stream ? streamOf(ctx, ['hello ', 'there']) : json(ctx);
      s.end(head('200 OK', { 'content-type': ctx.stream ? 'text/event-stream' : 'application/json', 'transfer-encoding': 'chunked', trailer: 'x-checksum' }) + chunked(body).toString() + '0\r\nx-checksum: abc\r\n\r\n');
    },
  },
  // Connection behaviour.
  { name: 'closes right after the headers', expect: 'error', answer: (s, ctx) => void s.end(head('200 OK', { 'content-type': ctx.stream ? 'text/event-stream' : 'application/json', 'content-length': 500 })) },
  { name: 'answers before reading the request body', expect: 'either', early: true, answer: (s, ctx) => void s.write(answerOf(ctx)) },
  {
    name: 'resets (RST) mid-stream',
    expect: 'error',
    streams: [true],
    answer: async (s, ctx) => {
      s.write(sseHead + chunked(ctx.dialect === 'anthropic' ? antStart() + antDelta('one ') : oaiChunk('one ')).toString());
      await sleep(100);
      s.resetAndDestroy();
    },
  },
  // JSON answers.
  { name: '__proto__ and constructor keys', expect: 'whole', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'hi', {}).replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},'), 'application/json')) },
  { name: 'duplicate keys', expect: 'whole', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'second').replace(/^\{/, '{"choices":"first","content":"first","id":"first",'), 'application/json')) },
  { name: 'numbers like 1e400 and -0 in usage', expect: 'either', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'hi', { usage: ctx.dialect === 'anthropic' ? { input_tokens: 1e400, output_tokens: -0 } : { prompt_tokens: 1e400, completion_tokens: -0, total_tokens: 1e400 } }).replace(/1e\+400|null/g, '1e400'), 'application/json')) },
  { name: 'a huge and a negative usage', expect: 'either', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'hi', { usage: ctx.dialect === 'anthropic' ? { input_tokens: -5, output_tokens: 1e300 } : { prompt_tokens: -5, completion_tokens: 1e300, total_tokens: 1e300 } }), 'application/json')) },
  { name: 'a 6 MB string of \\u0000 escapes', expect: 'either', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'x').replace('"x"', `"${'\\u0000'.repeat(2 ** 20)}"`), 'application/json')) },
  { name: 'choices that is not an array', expect: 'error', streams: [false], dialects: ['openai'], answer: (s) => void s.end(http(openaiJson('hi', { choices: { 0: { message: { content: 'hi' } } } }), 'application/json')) },
  { name: 'content that is not an array (Anthropic)', expect: 'error', streams: [false], dialects: ['anthropic'], answer: (s) => void s.end(http(anthropicJson('hi', { content: 'hi' }), 'application/json')) },
  { name: 'an object of 5,000 members', expect: 'error', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'hi', { metadata: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, 0])) }), 'application/json')), message: /more than 1000 members/ },
  // Text put where the gateway would not read it leaves unmarked and unrecorded: refused, never passed on.
  { name: 'message content as an array of parts', expect: 'error', streams: [false], dialects: ['openai'], answer: (s) => void s.end(http(openaiJson([{ type: 'text', text: 'hidden' }]), 'application/json')) },
  { name: 'a choice that is a string', expect: 'error', streams: [false], dialects: ['openai'], answer: (s) => void s.end(http(openaiJson('hi', { choices: ['hidden'] }), 'application/json')) },
  { name: 'a text block whose text is not a string (Anthropic)', expect: 'error', streams: [false], dialects: ['anthropic'], answer: (s) => void s.end(http(anthropicJson({ hidden: 'text' }), 'application/json')) },
  { name: 'a stream chunk whose choices is not an array', expect: 'error', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(`data: ${JSON.stringify({ id: 'c', choices: { 0: { index: 0, delta: { content: 'hidden' } } } })}\n\n` + oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'a delta whose content is not text', expect: 'error', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(`data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: { content: ['hidden'] }, finish_reason: null }] })}\n\n` + oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'a delta that is a string', expect: 'error', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(`data: ${JSON.stringify({ id: 'c', choices: [{ index: 0, delta: 'hidden', finish_reason: null }] })}\n\n` + oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'content already in message_start (Anthropic)', expect: 'error', streams: [true], dialects: ['anthropic'], answer: (s) => void s.end(http(antEvent('message_start', { message: { id: 'm', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hidden' }], usage: { input_tokens: 1, output_tokens: 0 } } }) + antEvent('message_stop', {}), 'text/event-stream')) },
  { name: 'a text_delta whose text is not a string (Anthropic)', expect: 'error', streams: [true], dialects: ['anthropic'], answer: (s) => void s.end(http(antStart() + antEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: { hidden: 1 } } }) + antEnd(), 'text/event-stream')) },
  // Text a block starts with is the answer's too (the SDKs keep it): collected and marked like a delta.
  { name: 'text in content_block_start (Anthropic)', expect: 'whole', streams: [true], dialects: ['anthropic'], answer: (s) => void s.end(http(antEvent('message_start', { message: { id: 'm', type: 'message', role: 'assistant', content: [], usage: { input_tokens: 1, output_tokens: 0 } } }) + antEvent('content_block_start', { index: 0, content_block: { type: 'text', text: 'started with text' } }) + antEnd(), 'text/event-stream')) },
  // A provider's own error event mid-stream, then a normal end: the answer failed, whatever follows.
  { name: 'an error chunk mid-stream, then [DONE]', expect: 'error', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(oaiChunk('hello') + `data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error' } })}\n\n` + oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'an error event mid-stream, then message_stop (Anthropic)', expect: 'error', streams: [true], dialects: ['anthropic'], answer: (s) => void s.end(http(antStart() + antDelta('hello') + antEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) + antEnd(), 'text/event-stream')) },
  { name: 'an OpenAI stream that never sends a finish reason or [DONE]', expect: 'error', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(oaiChunk('hello') + oaiChunk(' there'), 'text/event-stream')) },
  { name: 'content that is an object', expect: 'either', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, { text: 'hi' }), 'application/json')) },
  { name: 'content that is a number', expect: 'either', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 42), 'application/json')) },
  { name: "a model field naming another provider's model", expect: 'whole', streams: [false], answer: (s, ctx) => void s.end(http(json(ctx, 'hi', { model: 'gpt-4o' }), 'application/json')) },
  { name: 'a UTF-8 BOM', expect: 'whole', answer: (s, ctx) => void s.end(http(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ctx.stream ? streamOf(ctx, ['hi']) : json(ctx, 'hi'))]), ctx.stream ? 'text/event-stream' : 'application/json')) },
  { name: 'invalid UTF-8', expect: 'whole', answer: (s, ctx) => { const [a, b] = (ctx.stream ? streamOf(ctx, ['hi@@']) : json(ctx, 'hi@@')).split('@@'); s.end(http(Buffer.concat([Buffer.from(a), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from(b)]), ctx.stream ? 'text/event-stream' : 'application/json')); } },
  { name: 'lone surrogates', expect: 'whole', answer: (s, ctx) => void s.end(http(ctx.stream ? streamOf(ctx, ['hi@@']).replace('@@', '\\ud800') : json(ctx, 'hi@@').replace('@@', '\\udc00'), ctx.stream ? 'text/event-stream' : 'application/json')) },
  { name: 'text/html with a 200', expect: 'error', answer: (s) => void s.end(http('<html><body>hello</body></html>', 'text/html')) },
  // The other shape than the one asked for, and framing no HTTP answer to a POST may have.
  { name: 'an event stream to a call that asked for JSON', expect: 'error', streams: [false], answer: (s, ctx) => void s.end(http(streamOf({ ...ctx, stream: true }, ['hello ', 'there']), 'text/event-stream')) },
  { name: 'JSON to a call that asked for a stream', expect: 'error', streams: [true], answer: (s, ctx) => void s.end(http(json(ctx), 'application/json')) },
  { name: '101 Switching Protocols, then bytes', expect: 'error', cut: true, answer: (s) => (s.write(head('101 Switching Protocols', { upgrade: 'websocket', connection: 'upgrade' })), pour(s, () => 'x'.repeat(1024), 5)) },
  { name: 'a content-length of 10 GB, then bytes', expect: 'error', cut: true, answer: (s) => (s.write(head('200 OK', { 'content-type': 'application/json', 'content-length': 10 * 1024 ** 3 })), pour(s, () => ' '.repeat(64 * 1024))) },
  { name: 'a 204 with a body', expect: 'error', answer: (s, ctx) => void s.end(Buffer.concat([Buffer.from(head('204 No Content', {})), Buffer.from(json(ctx))])) },
  // Streams.
  { name: 'CR-only line endings', expect: 'whole', streams: [true], answer: (s, ctx) => void s.end(http(streamOf(ctx, ['hello ', 'there']).replace(/\n/g, '\r'), 'text/event-stream')) },
  { name: 'CRLF line endings', expect: 'whole', streams: [true], answer: (s, ctx) => void s.end(http(streamOf(ctx, ['hello ', 'there']).replace(/\n/g, '\r\n'), 'text/event-stream')) },
  { name: 'data: with no space', expect: 'whole', streams: [true], answer: (s, ctx) => void s.end(http(streamOf(ctx, ['hello ', 'there']).replace(/^data: /gm, 'data:').replace(/^event: /gm, 'event:'), 'text/event-stream')) },
  {
    name: 'an event split in the middle of a multi-byte character',
    expect: 'whole',
    streams: [true],
    answer: async (s, ctx) => {
      const bytes = Buffer.from(streamOf(ctx, ['héllo €', ' 🙂 there']));
      s.write(sseHead);
      const cut = bytes.indexOf(Buffer.from('€')) + 1;
      s.write(chunked(bytes.subarray(0, cut)));
      await sleep(50);
      s.end(Buffer.concat([chunked(bytes.subarray(cut)), Buffer.from('0\r\n\r\n')]));
    },
  },
  { name: 'thousands of data: lines in one event', expect: 'either', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http('data: {"id":"c","choices":[{"index":0,"delta":{"content":"hi"}\n' + 'data: \n'.repeat(5_000) + 'data: ,"finish_reason":null}]}\n\n' + oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'comments-only keep-alive for ever', expect: 'error', cut: true, streams: [true], message: /upstreamTotalMs/, answer: (s) => (s.write(sseHead), pour(s, () => chunked(': ping\n\n'), 100)) },
  { name: 'events after the end for ever', expect: 'either', cut: true, streams: [true], answer: (s, ctx) => (s.write(sseHead + chunked(streamOf(ctx, ['hello'])).toString()), pour(s, () => chunked(ctx.dialect === 'anthropic' ? antDelta('more ') : oaiChunk('more ')), 20)) },
  {
    name: 'an error event from the provider mid-stream',
    expect: 'error',
    streams: [true],
    answer: (s, ctx) => void s.end(http(ctx.dialect === 'anthropic' ? antStart() + antDelta('one ') + antEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) : oaiChunk('one ') + `data: ${JSON.stringify({ error: { message: 'Overloaded', type: 'server_error' } })}\n\n`, 'text/event-stream')),
  },
  {
    name: 'a stream whose first event is an error',
    expect: 'error',
    streams: [true],
    answer: (s, ctx) => void s.end(http(ctx.dialect === 'anthropic' ? antEvent('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }) : `data: ${JSON.stringify({ error: { message: 'Overloaded', type: 'server_error' } })}\n\n`, 'text/event-stream')),
  },
  { name: 'an Anthropic stream that never sends message_stop', expect: 'error', streams: [true], dialects: ['anthropic'], answer: (s) => void s.end(http(antStart() + antDelta('hello'), 'text/event-stream')) },
  { name: 'an OpenAI stream with finish_reason then more content', expect: 'either', streams: [true], dialects: ['openai'], answer: (s) => void s.end(http(oaiChunk('hello', 'stop') + oaiChunk(' more') + 'data: [DONE]\n\n', 'text/event-stream')) },
  { name: 'a clean end with zero content events', expect: 'either', streams: [true], answer: (s, ctx) => void s.end(http(ctx.dialect === 'anthropic' ? antStart() + antEnd() : oaiChunk('', 'stop') + 'data: [DONE]\n\n', 'text/event-stream')) },
];

// The raw provider: reads each request's head and body, then writes the current variant's answer.
interface Conn {
  socket: Socket;
  closed: boolean;
  variant: string;
}
const conns: Conn[] = [];
let current: { variant: Variant; ctx: Ctx } | null = null;

function requestEnd(buf: Buffer): number {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return -1;
  const len = Number(/content-length: *(\d+)/i.exec(buf.subarray(0, headEnd).toString())?.[1] ?? 0);
  return buf.length >= headEnd + 4 + len ? headEnd + 4 + len : -1;
}

const server = createServer((socket) => {
  const conn: Conn = { socket, closed: false, variant: current?.variant.name ?? '' };
  conns.push(conn);
  socket.on('close', () => (conn.closed = true));
  socket.on('error', () => undefined);
  let buf = Buffer.alloc(0);
  let answered = false;
  const answer = () => {
    if (answered || !current) return;
    answered = true;
    conn.variant = current.variant.name;
    void Promise.resolve(current.variant.answer(socket, current.ctx)).catch(() => socket.destroy());
  };
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (current?.variant.early && buf.indexOf('\r\n\r\n') >= 0) answer();
    const end = requestEnd(buf);
    if (end >= 0) {
      buf = buf.subarray(end);
      answer();
      answered = false;
    }
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

const gw = await startDemoGateway((c) => {
  Object.assign(c.limits, LIMITS);
  // vllm is internal and licensed for training: a whole answer gets a permit, so a wrongful one would show.
  c.providers.vllm.baseUrl = `http://127.0.0.1:${port}`;
  c.providers.anthropic.baseUrl = `http://127.0.0.1:${port}`;
});
t.teardown(async () => {
  await gw.close();
  for (const c of conns) c.socket.destroy();
  await new Promise((r) => server.close(r));
});

interface Got {
  status: number;
  body: string;
  ms: number;
  rssGrowth: number;
  final: { phase: string; status: number; error: string | null; training_permit_id: string | null } | undefined;
}

async function call(ctx: Ctx, prompt = 'hello'): Promise<Got> {
  const anthropic = ctx.dialect === 'anthropic';
  const rss0 = process.memoryUsage().rss;
  let rssMax = rss0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const res = await fetch(`${gw.url}${anthropic ? '/v1/messages' : '/v1/chat/completions'}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${gw.key}`, 'content-type': 'application/json', ...(anthropic ? { 'anthropic-version': '2023-06-01' } : {}) },
    body: JSON.stringify({ model: anthropic ? 'claude-3-5-haiku-latest' : 'qwen2.5-7b-instruct', max_tokens: 50, stream: ctx.stream, messages: [{ role: 'user', content: prompt }] }),
    signal: AbortSignal.timeout(LIMITS.upstreamTotalMs + 10_000),
  });
  const id = res.headers.get('x-termsgate-decision-id')!;
  const body = await res.text();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const records = await until(
    async () => ((await (await fetch(`${gw.url}/admin/v1/audit/records?decision_id=${id}`, { headers: { authorization: `Bearer ${gw.adminToken}` } })).json()) as { records: { record: Got['final'] & { decision_id: string } }[] }).records,
    (rs) => rs.some((r) => r.record.decision_id === id && r.record.phase !== 'started'),
  );
  const final = records.map((r) => r.record).find((r) => r.decision_id === id && r.phase !== 'started');
  return { status: res.status, body, ms, rssGrowth: rssMax - rss0, final };
}

/** The SSE events of a body: [event name, data]. */
function events(text: string): Array<[string, string]> {
  return text
    .split(/\n\n/)
    .filter((e) => e.trim())
    .map((e) => [/^event: (.*)$/m.exec(e)?.[1] ?? '', [...e.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join('\n')]);
}

/** What the client got: a whole answer, or an error in its dialect (status and message). */
function judge(t: Test, ctx: Ctx, got: Got): { whole: boolean; status: number; message: string } {
  t.ok(got.body.length > 0, 'never an empty answer');
  if (got.status !== 200) {
    const err = JSON.parse(got.body);
    if (ctx.dialect === 'anthropic') t.match(err, { type: 'error', error: { type: String, message: String } }, 'an Anthropic error');
    else t.match(err, { error: { message: String, type: String } }, 'an OpenAI error');
    t.ok([502, 503, 504].includes(got.status), `a 502/503/504, got ${got.status}`);
    return { whole: false, status: got.status, message: err.error.message };
  }
  if (!ctx.stream) {
    const answer = JSON.parse(got.body);
    t.ok(ctx.dialect === 'anthropic' ? Array.isArray(answer.content) : Array.isArray(answer.choices), 'a whole answer in the dialect');
    return { whole: true, status: 200, message: '' };
  }
  const evs = events(got.body);
  const [name, data] = evs.at(-1) ?? ['', ''];
  const errored = ctx.dialect === 'anthropic' ? name === 'error' : data !== '[DONE]' && /^\{"error"/.test(data);
  if (errored) return { whole: false, status: Number(/"status":(\d+)/.exec(data)?.[1] ?? 0), message: JSON.parse(data).error.message };
  t.ok(ctx.dialect === 'anthropic' ? name === 'message_stop' : data === '[DONE]', `a stream ends with its end event or an error event (last: ${name} ${data.slice(0, 80)})`);
  return { whole: true, status: 200, message: '' };
}

for (const v of variants) {
  t.test(v.name, async (t) => {
    for (const dialect of v.dialects ?? (['openai', 'anthropic'] as Dialect[])) {
      for (const stream of v.streams ?? [false, true]) {
        const ctx = { dialect, stream };
        await t.test(`${dialect}${stream ? ', streaming' : ''}`, async (t) => {
          current = { variant: v, ctx };
          const before = conns.length;
          const got = await call(ctx);
          current = null;
          const verdict = judge(t, ctx, got);
          t.comment(`${v.name} (${dialect}${stream ? ', stream' : ''}): ${got.status}${verdict.whole ? ' whole' : ` error: ${verdict.message.slice(0, 120)}`}; ${Math.round(got.ms)} ms, RSS +${(got.rssGrowth / 2 ** 20).toFixed(1)} MiB`);
          if (v.expect === 'whole') t.ok(verdict.whole, 'a whole answer');
          if (v.expect === 'error') t.notOk(verdict.whole, 'an error, not a whole answer');
          if (v.message) t.match(verdict.message, v.message);
          // (a) bounded: at most the total deadline and a margin; memory near the answer bound.
          t.ok(got.ms < LIMITS.upstreamTotalMs + 3_000, `ended after ${Math.round(got.ms)} ms`);
          t.ok(got.rssGrowth < 256 * 2 ** 20, `RSS grew by ${(got.rssGrowth / 2 ** 20).toFixed(1)} MiB`);
          // (c) the record agrees with the client.
          t.ok(got.final, 'a final record');
          if (verdict.whole) t.match(got.final, { phase: 'completed', status: 200 }, 'recorded completed');
          else {
            // incomplete: the provider itself ended its answer short (an error event, no end event).
            t.match(got.final, { phase: /^(failed|incomplete)$/, training_permit_id: null }, 'recorded failed or incomplete, no training permit');
            if (got.status !== 200) t.equal(got.final!.status, got.status, 'the record has the status the client got');
            else if (verdict.status) t.equal(got.final!.status, verdict.status, 'the record has the status of the error event');
          }
          // (d) an attacking connection is closed by the gateway.
          if (v.cut || !verdict.whole) {
            const mine = conns.slice(before);
            const closed = await until(async () => mine.every((c) => c.closed), (x) => x, 5_000);
            t.ok(closed, 'the provider connection was closed');
          }
          t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
        });
      }
    }
  });
}

t.test('a connection that sends garbage after a whole answer is not reused for the next call', async (t) => {
  for (const dialect of ['openai', 'anthropic'] as Dialect[]) {
    const ctx = { dialect, stream: false };
    current = {
      ctx,
      variant: { name: 'garbage after the end', expect: 'whole', answer: (s, c) => { s.write(answerOf(c)); setTimeout(() => !s.destroyed && s.write('HTTP/1.1 200 OK\r\ncontent-length: 7\r\n\r\npoison!'), 50); } },
    };
    const first = await call(ctx);
    t.equal(first.status, 200);
    const poisoned = conns.at(-1)!;
    t.ok(await until(async () => poisoned.closed, (x) => x, 5_000), 'the gateway closed the connection that sent garbage');
    current = { ctx, variant: { name: 'clean', expect: 'whole', answer: (s, c) => void s.write(answerOf(c)) } };
    const second = await call(ctx);
    current = null;
    t.equal(second.status, 200, 'the next call got a whole answer');
    t.match(JSON.parse(second.body), dialect === 'anthropic' ? { content: [{ text: /hello/ }] } : { choices: [{ message: { content: /hello/ } }] });
  }
});
