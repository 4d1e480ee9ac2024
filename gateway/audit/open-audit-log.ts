// The one entry point the gateway uses: the configured backend behind the AuditLog interface.
import type { Dispatcher } from 'undici';
import type { Config } from '../config/types.js';
import type { CheckpointSigner } from '../signing/checkpoint-signer.js';
import type { AuditLog } from './audit-log.js';
import { FileAuditLog } from './file/log.js';

export interface OpenAuditLogOptions {
  dataDir: string;
  audit: Config['audit'];
  /** Signs checkpoints and export manifests. */
  keys: CheckpointSigner;
  /** Open without writing (file backend) or without standing for sequencer (PostgreSQL): exports beside running gateways. */
  readOnly?: boolean;
  /** Failures of background checkpoints, syncs and sequencing. */
  onError?: (err: Error) => void;
  /** How witnesses are reached (the egress proxy rules); undici's default when absent. */
  dispatcher?: Dispatcher;
}

export async function openAuditLog(opts: OpenAuditLogOptions): Promise<AuditLog> {
  if (opts.audit.backend === 'postgres') {
    if (!opts.audit.postgresUrl) throw new Error('audit.backend postgres needs audit.postgresUrl');
    if (opts.audit.witnesses?.length) throw new Error('audit.witnesses are supported with the file backend only');
    const { PgAuditLog } = await import('./postgres/log.js');
    return PgAuditLog.open({ url: opts.audit.postgresUrl, schema: opts.audit.schema, audit: opts.audit, keys: opts.keys, onError: opts.onError, sequencer: !opts.readOnly });
  }
  return FileAuditLog.open(opts);
}
