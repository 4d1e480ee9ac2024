// The one entry point the gateway uses: the configured backend behind the AuditLog interface.
import type { AuditLog, AuditLogOptions } from './audit-log.js';
import { FileAuditLog } from './file/log.js';

export async function openAuditLog(opts: AuditLogOptions): Promise<AuditLog> {
  if (opts.audit.backend === 'postgres') {
    if (!opts.audit.postgresUrl) throw new Error('audit.backend postgres needs audit.postgresUrl');
    if (opts.audit.witnesses?.length) throw new Error('audit.witnesses are supported with the file backend only');
    const { PgAuditLog } = await import('./postgres/log.js');
    return PgAuditLog.open({ url: opts.audit.postgresUrl, schema: opts.audit.schema, audit: opts.audit, keys: opts.keys, onError: opts.onError, sequencer: !opts.readOnly });
  }
  return FileAuditLog.open(opts);
}
