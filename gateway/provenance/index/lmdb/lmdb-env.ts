// The LMDB environment of the fingerprint index and its databases, opened alike by the readers on the
// event loop (lmdb-backend.ts) and the writer thread (writer-thread.ts).
import { open, type Database, type RootDatabase } from 'lmdb';
import type { FingerprintKind } from '../stored-output.js';

export interface IndexEnv {
  env: RootDatabase;
  /** doc → stored-output.ts bytes. */
  outputs: Database<Buffer, number>;
  /** 16-byte ref → doc (u32 LE). */
  refs: Database<Buffer, Buffer>;
  /** hash → the docs that sampled it (u32 LE), most recent first, at most MAX_LISTED. */
  postings: Record<FingerprintKind, Database<Buffer, number>>;
}

export function openIndexEnv(path: string, readOnly: boolean): IndexEnv {
  // 1 TiB of address space, not of disk: the file grows as pages are written.
  const env = open({ path, maxDbs: 4, mapSize: 2 ** 40, readOnly });
  return {
    env,
    outputs: env.openDB({ name: 'outputs', keyEncoding: 'uint32', encoding: 'binary' }),
    refs: env.openDB({ name: 'refs', keyEncoding: 'binary', encoding: 'binary' }),
    postings: {
      words: env.openDB({ name: 'words', keyEncoding: 'uint32', encoding: 'binary' }),
      loose: env.openDB({ name: 'loose', keyEncoding: 'uint32', encoding: 'binary' }),
    },
  };
}
