// The embedding thread: inference blocks for milliseconds per window, so it never runs on the
// gateway's event loop. Loads the model once, then answers one message per batch. Restricted outputs
// are cut into windows here too (sentence segmentation and normalisation cost about as much per
// output as the rest of a call), so the event loop only hands over their text.
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { DIMENSIONS, loadEmbedder, type Embedder } from './embedder.js';
import type { EmbedReply, EmbedRequest, EmbedWorkerData, IndexedOutput, OutputToIndex, StopRequest } from './embed-messages.js';
import { ownWindows } from './public-windows.js';
import { SeenWindows } from './seen-windows.js';
import { slidingWindows } from './windows.js';

const { modelDir, threads, lowPriority } = workerData as EmbedWorkerData;
// Lowest CPU priority for this thread alone (Linux nice is per thread; 0 names the calling one): the
// event loop serving calls comes first, and indexing takes the idle cores. Admission still waits for
// the index's high-water mark, so a slower index delays training records, never lets one through.
if (lowPriority) {
  try {
    setPriority(0, constants.priority.PRIORITY_LOW);
  } catch {
    // Not permitted here (some containers): indexing runs at the gateway's own priority.
  }
}
const port = parentPort!;
const ready = loadEmbedder(modelDir, threads);
/** Windows per model run: large enough to batch, small enough to bound the tensors' memory. */
const EMBED_BATCH = 32;
const seen = new SeenWindows();
/** Set by a stop request: no further model run starts. */
let stopping = false;

async function embed(embedder: Embedder, texts: string[]): Promise<Float32Array> {
  const out = new Float32Array(texts.length * DIMENSIONS);
  for (let i = 0; i < texts.length; i += EMBED_BATCH) {
    if (stopping) throw new Error('the embedding thread is stopping');
    out.set(await embedder.embed(texts.slice(i, i + EMBED_BATCH)), i * DIMENSIONS);
  }
  return out;
}

/** The output's windows not indexed before under its licence, embedded; marked seen only once embedded. */
async function index(embedder: Embedder, output: OutputToIndex): Promise<IndexedOutput> {
  // The whole output served before under this licence: not even cut into windows again.
  const whole = SeenWindows.key(output.licence, output.licenceClass, output.text);
  if (seen.has(whole, output.time)) return { vectors: new Float32Array(0), coarse: new Float32Array(0) };
  const fresh = ownWindows(output.text, slidingWindows(output.text))
    .map((w) => ({ text: w.text, key: SeenWindows.key(output.licence, output.licenceClass, w.text) }))
    .filter(({ key }) => !seen.has(key, output.time));
  const texts = fresh.map((w) => w.text);
  const vectors = await embed(embedder, texts);
  const coarse = await embedder.coarse(texts);
  seen.add(whole, output.time);
  for (const { key } of fresh) seen.add(key, output.time);
  return { vectors, coarse };
}

// Answers go in the order requests came, one batch at a time: the session is not re-entrant.
let chain: Promise<unknown> = ready;
port.on('message', (req: EmbedRequest | StopRequest) => {
  if ('stop' in req) {
    // The thread ends itself between model runs: terminated from outside during one, onnxruntime's
    // native code throws where nothing catches it, and that aborts the whole gateway process.
    stopping = true;
    chain = chain.then(
      () => process.exit(0),
      () => process.exit(0),
    );
    return;
  }
  chain = chain.then(async () => {
    let reply: EmbedReply;
    try {
      const embedder = await ready;
      if ('texts' in req) reply = { id: req.id, vectors: req.coarse ? await embedder.coarse(req.texts) : await embed(embedder, req.texts) };
      else {
        const indexed: IndexedOutput[] = [];
        if (req.forgetSeen) seen.clear();
        for (const output of req.outputs) indexed.push(await index(embedder, output));
        reply = { id: req.id, indexed };
      }
    } catch (err) {
      reply = { id: req.id, error: (err as Error).message ?? String(err) };
    }
    const buffers = 'vectors' in reply ? [reply.vectors.buffer] : 'indexed' in reply ? reply.indexed.flatMap((v) => [v.vectors.buffer, v.coarse.buffer]) : [];
    port.postMessage(reply, buffers as ArrayBuffer[]);
  }, () => port.postMessage({ id: req.id, error: 'the embedding model could not be loaded' } satisfies EmbedReply));
});
