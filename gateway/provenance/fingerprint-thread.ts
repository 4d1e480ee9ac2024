// A long output fingerprinted on a worker thread: fingerprinting costs 0.3–0.5 ms per KB, so an 8 MB
// answer held the event loop 2.8 s when its batch was written. The thread runs the same fingerprintOf,
// so the stored fingerprint is identical; if the thread fails, the event loop fingerprints as before.
import { Piscina } from 'piscina';
import { fingerprintOf, type OutputFingerprints } from './fingerprint.js';

/** Outputs of more characters than this are fingerprinted on the thread; below it the hop costs more than it saves. */
export const OFF_THREAD_CHARS = 64 * 1024;

// Under tsx (tests) the sources are .ts; built, they are .js next to this module.
const workerFile = new URL(import.meta.url.endsWith('.ts') ? './fingerprint-worker.ts' : './fingerprint-worker.js', import.meta.url).href;

let pool: Piscina | null = null;

export async function fingerprintOffThread(text: string): Promise<OutputFingerprints> {
  // One thread: long outputs are rare, and the other cores serve calls.
  pool ??= new Piscina({ filename: workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 5_000 });
  try {
    return (await pool.run(text)) as OutputFingerprints;
  } catch {
    return fingerprintOf(text);
  }
}
