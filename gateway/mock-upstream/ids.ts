// Object ids in the providers' formats (chatcmpl-…, msg_…, call_…), unique per process.
import { randomBytes } from 'node:crypto';

const prefix = randomBytes(6).toString('hex');
let counter = 0;

export function newId(kind: string): string {
  return `${kind}${prefix}${(counter++).toString(16).padStart(8, '0')}`;
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
