// Entry point of a detection thread (detection-pool.ts): the index on disk opened read-only, each task
// read from its latest commit (the pool hands a task over once the outputs before it are committed).
import { workerData } from 'node:worker_threads';
import { readable } from '../text/readable.js';
import { detect } from './detection.js';
import type { DetectionTask, DetectionWorkerData } from './detection-pool.js';
import { FingerprintStore } from './index/fingerprint-store.js';
import { LmdbBackend } from './index/lmdb/lmdb-backend.js';

const data = workerData as DetectionWorkerData;
const keys = { keyId: data.keyId, macSecret: Buffer.from(data.macSecret) };
const backend = new LmdbBackend({ path: data.indexPath, readOnly: true });

export default function run(task: DetectionTask) {
  if (task.op === 'read') return readable(task.text);
  backend.readLatest();
  // A store per task: its cache of decoded outputs would otherwise outlive a purge of the index.
  const store = new FingerprintStore(backend);
  return task.texts.map((text) => detect(text, keys, store.index, (ref) => store.resolve(ref), task.opts));
}
