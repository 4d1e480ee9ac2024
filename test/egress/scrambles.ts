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

/** A run of 26 capitals A–Z starting at `first`, for letter-like symbols. */
const lettersFrom = (first: number) => (s: string) => [...s].map((c) => (/[A-Z]/.test(c) ? String.fromCodePoint(first + c.charCodeAt(0) - 65) : c)).join('');

// Letter-like symbols Unicode does not decompose, for a key of capitals and digits (AWS's): its capitals
// written as regional indicators (🇦, the halves of flags), negative squared (🅰) or negative circled (🅐) letters.
export const letterDisguises: Record<string, (s: string) => string> = {
  'regional-indicator letters': lettersFrom(0x1f1e6),
  'regional-indicator letters, spaced': (s) => [...lettersFrom(0x1f1e6)(s)].join(' '),
  'negative squared letters': lettersFrom(0x1f170),
  'negative circled letters': lettersFrom(0x1f150),
};

// For a key whose prefix holds `_` or `-` (GitHub's ghp_, Stripe's sk_live_, OpenAI's sk-proj-): spelt
// with spaces, the `_` standing as a character of its own; its `_` or `-` as HTML named references.
export const prefixDisguises: Record<string, (s: string) => string> = {
  'spelt with spaces, _ and - as characters': (s) => [...s].join(' '),
  'spelt with two spaces': (s) => [...s].join('  '),
  'named references &lowbar; and &hyphen;': (s) => s.replace(/_/g, '&lowbar;').replace(/-/g, '&hyphen;'),
  'named references &UnderBar; and &minus;': (s) => s.replace(/_/g, '&UnderBar;').replace(/-/g, '&minus;'),
};
