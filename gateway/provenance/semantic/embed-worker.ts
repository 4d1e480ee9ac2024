// The embedding thread: inference blocks for milliseconds per window, so it never runs on the
// gateway's event loop. Loads the model once, then answers one message per batch.
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { loadEmbedder } from './embedder.js';
import type { EmbedReply, EmbedRequest, EmbedWorkerData } from './embed-messages.js';

const { modelDir, threads } = workerData as EmbedWorkerData;
// Lowest CPU priority for this thread alone (Linux nice is per thread; 0 names the calling one): the
// event loop serving calls comes first, and indexing takes the idle cores. Admission still waits for
// the index's high-water mark, so a slower index delays training records, never lets one through.
try {
  setPriority(0, constants.priority.PRIORITY_LOW);
} catch {
  // Not permitted here (some containers): indexing runs at the gateway's own priority.
}
const port = parentPort!;
const ready = loadEmbedder(modelDir, threads);
// Answers go in the order requests came, one batch at a time: the session is not re-entrant.
let chain: Promise<unknown> = ready;
port.on('message', (req: EmbedRequest) => {
  chain = chain.then(async () => {
    let reply: EmbedReply;
    try {
      const vectors = await (await ready).embed(req.texts);
      reply = { id: req.id, vectors };
    } catch (err) {
      reply = { id: req.id, error: (err as Error).message ?? String(err) };
    }
    port.postMessage(reply, 'vectors' in reply ? [reply.vectors.buffer as ArrayBuffer] : []);
  }, () => port.postMessage({ id: req.id, error: 'the embedding model could not be loaded' } satisfies EmbedReply));
});
