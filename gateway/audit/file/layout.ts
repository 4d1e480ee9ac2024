// Where the file-backed audit log keeps what, as functions of its directory: the one place these
// names are spelled. Names inside a folder belong to its store (segment-store, tree-store, content-store).
import { join } from 'node:path';

/** The audit log's directory in a data directory. */
export const auditDir = (dataDir: string) => join(dataDir, 'audit');
/** Record frames, one file per 64 MiB. */
export const segmentsDir = (audit: string) => join(audit, 'segments');
/** Stored Merkle tree nodes, one file per level. */
export const treeDir = (audit: string) => join(audit, 'tree');
/** Call content, one file per digest. */
export const contentDir = (audit: string) => join(audit, 'content');
export const checkpointsFile = (audit: string) => join(audit, 'checkpoints.jsonl');
export const verifierKeyFile = (audit: string) => join(audit, 'checkpoint.vkey');
export const tombstonesFile = (audit: string) => join(audit, 'tombstones.jsonl');
/** Names the process writing the log. */
export const writerLockFile = (audit: string) => join(audit, 'LOCK');
