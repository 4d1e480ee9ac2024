// Content retention for the file backend: every item older than the cutoff gets a signed tombstone in
// <audit>/tombstones.jsonl (fsynced) before its file is deleted, so a crash in between leaves a
// tombstone for content still present (harmless), never deleted content without one.
import { existsSync, readFileSync } from 'node:fs';
import type { CheckpointSigner } from '../../signing/checkpoint-signer.js';
import type { ContentStore } from './content-store.js';
import { signTombstone, type SignedTombstone } from '../../tlog/tombstone.js';
import { appendSynced } from './append-synced.js';
import { tombstonesFile } from './layout.js';

export function readTombstones(auditDir: string): SignedTombstone[] {
  const path = tombstonesFile(auditDir);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as SignedTombstone];
      } catch {
        // A cut-short line is an interrupted write; its item was not deleted yet.
        return [];
      }
    });
}

export async function purgeContent(auditDir: string, content: ContentStore, cutoff: Date, signer: CheckpointSigner): Promise<number> {
  const { digests, leftovers } = await content.olderThan(cutoff);
  const purgedAt = new Date().toISOString();
  const rule = `older-than ${cutoff.toISOString()}`;
  if (digests.length > 0) {
    const lines = await Promise.all(digests.map(async (digest) => JSON.stringify(await signTombstone({ digest, purged_at: purgedAt, rule }, (d) => signer.sign(d))) + '\n'));
    await appendSynced(tombstonesFile(auditDir), lines.join(''));
  }
  for (const digest of digests) await content.remove(digest);
  for (const path of leftovers) await content.removePath(path);
  return digests.length;
}
