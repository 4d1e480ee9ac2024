// The index's writer, in a worker thread: LMDB's writes to a B-tree keyed by random hashes copy a page
// per posting touched, a few ms per output, which on the event loop delayed every call by up to a
// second per batch. Requests: { id, write: BackendOutput[] } or { id, purgeBefore: ms }.
import { parentPort, workerData } from 'node:worker_threads';
import type { BackendOutput } from '../index-backend.js';
import { purgeBefore, writeBatch } from './index-writes.js';
import { openIndexEnv } from './lmdb-env.js';

export interface WriterRequest {
  id: number;
  write?: BackendOutput[];
  purgeBefore?: number;
  close?: true;
}

export interface WriterReply {
  id: number;
  purged?: number;
  error?: string;
}

const index = openIndexEnv((workerData as { path: string }).path, false);
parentPort!.on('message', (req: WriterRequest) => {
  try {
    if (req.close) {
      void index.env.close().then(() => parentPort!.postMessage({ id: req.id } satisfies WriterReply));
      return;
    }
    const purged = req.write ? (writeBatch(index, req.write), undefined) : purgeBefore(index, req.purgeBefore!);
    parentPort!.postMessage({ id: req.id, purged } satisfies WriterReply);
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: String(err) } satisfies WriterReply);
  }
});
