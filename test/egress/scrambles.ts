// The disguises of issue 23 (#4) a caller can put on a key as text: ROT13, reversal, escapes written as
// text, base32, compression inside base64, base64 nested three deep. Shared by the unit test of the
// decoders (gateway/classify/text-decoders.test.ts) and the capture-server test (decoded-disguises.test.ts).
import { gzipSync, deflateSync } from 'node:zlib';
import { rot13, reversed } from '../../gateway/classify/text-decoders.js';

const base32 = (s: string): string => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of Buffer.from(s)) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += A[parseInt(bits.slice(i, i + 5).padEnd(5, '0'), 2)];
  return out + '='.repeat((8 - (out.length % 8)) % 8);
};
export const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

export const disguises: Record<string, (s: string) => string> = {
  rot13,
  reversed,
  'reversed rot13': (s) => reversed(rot13(s)),
  'HTML entities (decimal)': (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'HTML entities (hex)': (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
  '\\x escapes as text': (s) => [...s].map((c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''),
  '\\u escapes as text': (s) => [...s].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  base32: (s) => base32(`key: ${s}`),
  'gzip then base64': (s) => b64(gzipSync(`the key is ${s}`)),
  'deflate then base64': (s) => b64(deflateSync(`the key is ${s}`)),
  'base64 three deep': (s) => b64(b64(b64(`key ${s}`))),
};
