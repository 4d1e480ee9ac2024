// A large request serialised on a worker thread: its canonical JSON and SHA-256 for the log and its JSON
// for the provider take tens of ms each for 4 MB, and on the event loop they would hold up /healthz and
// every other call (issue 21).
import { Piscina } from 'piscina';
import type { CanonicalValue } from './canonical-json.js';
import type { SerialiseTask, Serialised } from './canonical-worker.js';

/** Bodies of at least this many bytes are serialised off the event loop; below it the thread hop costs more than it saves. */
export const OFF_THREAD_BYTES = 256 * 1024;

// Under tsx (tests) the sources are .ts; built, they are .js next to this module.
const workerFile = new URL(import.meta.url.endsWith('.ts') ? './canonical-worker.ts' : './canonical-worker.js', import.meta.url).href;

let pool: Piscina | null = null;

/**
 * Hands the logged value's wrapper its canonical text and digest (unless it has them) and returns
 * JSON.stringify(forwarded), both computed on the thread. A failure of the thread is not the call's:
 * it resolves null, and the event loop serialises as before (the same functions, the same bytes).
 */
export async function serialiseOffThread(logged: CanonicalValue, forwarded: unknown): Promise<string | null> {
  // One thread: large bodies are rare, and the classification pool already takes the other cores' share.
  pool ??= new Piscina({ filename: workerFile, minThreads: 0, maxThreads: 1, idleTimeout: 5_000 });
  const task: SerialiseTask = logged.primed ? { forwarded } : { logged: logged.value, forwarded };
  try {
    const out = (await pool.run(task)) as Serialised;
    if (out.canonical) logged.prime(out.canonical.text, out.canonical.digest);
    return out.forwardedJson;
  } catch {
    return null;
  }
}
