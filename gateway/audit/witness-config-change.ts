// The audit trust configuration a gateway starts with (its witnesses and quorum) is itself recorded in
// the log as a control-plane change, at every start, so changing who witnesses the log leaves a
// record covered by the same checkpoints and witnesses. Pure.
import type { Config } from '../config/types.js';
import { changeRecord } from '../core/change-record.js';
import type { ChangeRecord } from '../core/contracts.js';

export function witnessConfigChange(audit: Config['audit'], id: string, now: Date): ChangeRecord {
  const witnesses = audit.witnesses ?? [];
  return changeRecord(
    { actor: { type: 'config', id: 'gateway-start', email: null }, role: 'gateway', client: null },
    {
      action: 'audit.witnesses',
      target: audit.origin,
      before: null,
      after: JSON.stringify({ witnesses: witnesses.map((w) => ({ url: w.url, key: w.key })), quorum: audit.witnessQuorum ?? witnesses.length }),
      reason: 'witness configuration in force from this start',
      outcome: 'done',
    },
    id,
    now,
  );
}
