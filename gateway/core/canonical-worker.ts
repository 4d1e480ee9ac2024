// Entry point of the serialising thread (piscina): the same canonicalJson, digest and JSON.stringify as on
// the event loop, so every digest and every forwarded byte is identical.
import { canonicalDigest, canonicalJson } from './canonical-json.js';

export interface SerialiseTask {
  /** The value to make canonical, absent when its wrapper already has text and digest. */
  logged?: unknown;
  forwarded: unknown;
}

export interface Serialised {
  canonical?: { text: string; digest: string };
  forwardedJson: string;
}

export default function serialise(task: SerialiseTask): Serialised {
  const forwardedJson = JSON.stringify(task.forwarded);
  if (!('logged' in task)) return { forwardedJson };
  const text = canonicalJson(task.logged);
  return { canonical: { text, digest: canonicalDigest(text) }, forwardedJson };
}
