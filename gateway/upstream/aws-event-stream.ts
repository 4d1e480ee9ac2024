// AWS's binary event stream (application/vnd.amazon.eventstream, Bedrock's ConverseStream) re-framed as
// server-sent events by the upstream client, so the scrubber, the bounds, the SSE relay, the translation and
// the endpoint adapter read it like any stream:
// each message becomes `event: <:event-type>` (or `exception`) with its JSON payload as data. The codec
// (@smithy/eventstream-codec) parses and checks each message's CRCs; splitting the byte stream at message
// boundaries (a 4-byte big-endian total length first) is done here, because the codec decodes whole messages.
import { EventStreamCodec } from '@smithy/eventstream-codec';

/** The largest message accepted; a longer one is refused rather than buffered. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
);

export function awsEventStreamToSse(): (chunk: Uint8Array) => Uint8Array {
  let buffer = Buffer.alloc(0);
  return (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    let out = '';
    while (buffer.length >= 4) {
      const total = buffer.readUInt32BE(0);
      if (total < 16 || total > MAX_MESSAGE_BYTES) throw new Error(`an event stream message of ${total} bytes is not accepted`);
      if (buffer.length < total) break;
      const message = codec.decode(buffer.subarray(0, total));
      buffer = buffer.subarray(total);
      const header = (name: string) => {
        const h = message.headers[name];
        return h && h.type === 'string' ? h.value : '';
      };
      const kind = header(':message-type') === 'event' ? header(':event-type') : 'exception';
      const body = new TextDecoder().decode(message.body);
      const data = kind === 'exception' ? JSON.stringify({ exception: header(':exception-type') || header(':error-code') || 'unknown', message: safeMessage(body) }) : body.replace(/\n/g, ' ');
      out += `event: ${kind.replace(/[^A-Za-z0-9_-]/g, '')}\ndata: ${data}\n\n`;
    }
    return Buffer.from(out);
  };
}

function safeMessage(body: string): string {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === 'object' && v !== null && typeof (v as { message?: unknown }).message === 'string' ? (v as { message: string }).message : body.slice(0, 500);
  } catch {
    return body.slice(0, 500);
  }
}
