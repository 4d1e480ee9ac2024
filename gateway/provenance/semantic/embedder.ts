// Sentence embeddings of all-MiniLM-L6-v2 (quantized ONNX) on the CPU: WordPiece tokens
// (@huggingface/tokenizers), onnxruntime-node, then mean pooling over the attention mask and L2
// normalisation, as sentence-transformers does for this model. Blocking: run it in a worker
// (embed-worker.ts), never on the event loop. Beside it, the coarse vectors that decide which windows
// are worth a model pass (token-vectors.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { coarseVector, loadTokenVectors } from './token-vectors.js';

export const DIMENSIONS = 384;
/** The model's own limit (its position embeddings), and what it was trained on. */
const MAX_TOKENS = 128;

export interface Embedder {
  /** One unit vector of DIMENSIONS per text, back to back: the model's. */
  embed(texts: string[]): Promise<Float32Array>;
  /** One unit vector of DIMENSIONS per text, back to back: the mean of its tokens' own vectors (microseconds a window, no model pass). */
  coarse(texts: string[]): Promise<Float32Array>;
}

export const MODEL_FILE = 'model.onnx';
export const TOKENIZER_FILE = 'tokenizer.json';

export async function loadEmbedder(modelDir: string, threads = 1): Promise<Embedder> {
  const config = JSON.parse(readFileSync(join(modelDir, TOKENIZER_FILE), 'utf8')) as { model: { vocab: Record<string, number> } } & Record<string, unknown>;
  const tokenizer = new Tokenizer(config, {});
  const session = await ort.InferenceSession.create(join(modelDir, MODEL_FILE), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const wantsTypeIds = session.inputNames.includes('token_type_ids');
  /** One pooled, normalised vector per row of token ids ([CLS] … [SEP]). */
  async function run(encoded: number[][]): Promise<Float32Array> {
    const width = Math.max(1, ...encoded.map((ids) => ids.length));
    const n = encoded.length;
    const ids = new BigInt64Array(n * width);
    const mask = new BigInt64Array(n * width);
    encoded.forEach((row, i) =>
      row.forEach((id: number, j: number) => {
        ids[i * width + j] = BigInt(id);
        mask[i * width + j] = 1n;
      }),
    );
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [n, width]), attention_mask: new ort.Tensor('int64', mask, [n, width]) };
    if (wantsTypeIds) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n * width), [n, width]);
    const output = await session.run(feeds);
    const hidden = output[session.outputNames[0]].data as Float32Array;
    const out = new Float32Array(n * DIMENSIONS);
    for (let i = 0; i < n; i++) {
      const len = encoded[i].length;
      const v = out.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS);
      for (let j = 0; j < len; j++) {
        const base = (i * width + j) * DIMENSIONS;
        for (let d = 0; d < DIMENSIONS; d++) v[d] += hidden[base + d];
      }
      let norm = 0;
      for (let d = 0; d < DIMENSIONS; d++) norm += (v[d] /= len) * v[d];
      norm = Math.sqrt(norm) || 1;
      for (let d = 0; d < DIMENSIONS; d++) v[d] /= norm;
    }
    return out;
  }
  const encode = (text: string): number[] => tokenizer.encode(text).ids;
  let tokens: ReturnType<typeof loadTokenVectors> | null = null;
  return {
    async embed(texts) {
      return run(
        texts.map((t) => {
          const ids = encode(t);
          // Keep [CLS] … [SEP] within the limit: the cut keeps the window's start, and the last token stays [SEP].
          return ids.length <= MAX_TOKENS ? ids : [...ids.slice(0, MAX_TOKENS - 1), ids[ids.length - 1]];
        }),
      );
    },
    async coarse(texts) {
      const table = await (tokens ??= loadTokenVectors(modelDir, config.model.vocab, encode, run, DIMENSIONS));
      const out = new Float32Array(texts.length * DIMENSIONS);
      texts.forEach((t, i) => coarseVector(table, encode(t), out.subarray(i * DIMENSIONS, (i + 1) * DIMENSIONS)));
      return out;
    },
  };
}
