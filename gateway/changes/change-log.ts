// Writes control-plane changes into the audit log (the same tamper-evident log as the calls) and
// reads them back. A change is recorded before its answer leaves; when it cannot be recorded, the
// caller gets an error, never a silent success.
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { AuditLog } from '../audit/audit-log.js';
import type { RecordFilter } from '../audit/filter.js';
import { isChangeRecord } from '../core/record-kind.js';
import type { ChangeActor, ChangeRecord } from '../core/contracts.js';
import { changeMatcher, changeRecord, type ChangeFilter, type ChangeInput } from '../core/change-record.js';

export class ChangeLog {
  constructor(private readonly audit: Pick<AuditLog, 'append' | 'query'>) {}

  /** Records a change made by the request's authenticated actor. */
  async record(request: FastifyRequest, input: ChangeInput): Promise<ChangeRecord> {
    const actor = request.actor;
    if (!actor) throw new Error('a change without an authenticated actor');
    const record = changeRecord({ actor, role: actor.role, client: request.ip ?? null }, input, uuidv7(), new Date());
    await this.audit.append(record);
    return record;
  }

  /** Records a change the gateway made by itself (actor type 'system' or 'config'; no client). */
  async recordSystem(actor: ChangeActor, input: ChangeInput): Promise<ChangeRecord> {
    const record = changeRecord({ actor, role: 'gateway', client: null }, input, uuidv7(), new Date());
    await this.audit.append(record);
    return record;
  }

  /** Changes in log order from `fromSeq`, filtered, at most `limit`. */
  async *list(filter: ChangeFilter & Pick<RecordFilter, 'from' | 'to' | 'fromSeq'>, limit: number): AsyncGenerator<{ seq: number; record: ChangeRecord }> {
    const match = changeMatcher(filter);
    let left = limit;
    if (left <= 0) return;
    for await (const e of this.audit.query({ kind: 'change', from: filter.from, to: filter.to, fromSeq: filter.fromSeq })) {
      if (!isChangeRecord(e.record) || !match(e.record)) continue;
      yield { seq: e.seq, record: e.record };
      if (--left <= 0) return;
    }
  }
}
