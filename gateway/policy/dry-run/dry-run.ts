// Dry run: re-decide recorded calls under a candidate revision and list the decisions that would change.
import type { AuditRecord, CallFacts, CallRecord, ModelRoute, Principal, ProviderKind } from '../../core/contracts.js';
import { isChangeRecord } from '../../core/record-kind.js';
import type { PolicyDecider } from '../../core/contracts.js';
import { impactGroups } from './impact.js';
import type { DecisionSummary, DryRunReport } from './report.js';

/** Optional lookups into the live configuration; without them the record alone is used. */
export interface RecordContext {
  principal?(record: CallRecord): Principal | undefined;
  route?(record: CallRecord): ModelRoute | undefined;
}

const kindOf = (provider: string): ProviderKind => (provider === 'anthropic' ? 'anthropic' : provider === 'openai' ? 'openai' : 'openai-compatible');

/**
 * Rebuilds the policy input of a recorded call. A record keeps the purpose but not the key's allowed purposes,
 * and the provider id but not whether it is external: without a context, the recorded purpose counts as
 * allowed and every provider as external (the stricter reading for secrets). Null when the call never
 * reached routing.
 */
export function factsFromRecord(record: CallRecord, ctx: RecordContext = {}): CallFacts | null {
  if (!record.model || !record.provider) return null;
  const principal = ctx.principal?.(record) ?? {
    keyId: record.principal.key_id,
    team: record.principal.team,
    project: record.principal.project,
    defaultPurpose: record.purpose,
    allowedPurposes: [record.purpose],
  };
  const route = ctx.route?.(record) ?? {
    name: record.model,
    providerId: record.provider,
    providerKind: kindOf(record.provider),
    external: true,
    upstreamModel: record.upstream_model ?? record.model,
    licence: record.licence ?? '',
  };
  const counts = Object.fromEntries(record.data_classes.map((c) => [c, 1]));
  return {
    principal,
    purpose: record.purpose,
    endpoint: record.endpoint,
    route,
    dataClasses: { classes: [...record.data_classes].sort(), counts },
    stream: false,
    now: record.time,
  };
}

/**
 * The last `n` calls (one record per decision id, the latest phase wins), oldest first; changes are skipped.
 * An aborted `signal` stops the reading with its reason.
 */
export async function lastCalls(records: AsyncIterable<AuditRecord>, n: number, signal?: AbortSignal): Promise<CallRecord[]> {
  const byId = new Map<string, CallRecord>();
  for await (const r of records) {
    signal?.throwIfAborted();
    if (isChangeRecord(r)) continue;
    byId.delete(r.decision_id);
    byId.set(r.decision_id, r);
    if (byId.size > n) byId.delete(byId.keys().next().value!);
  }
  return [...byId.values()];
}

function summary(d: ReturnType<PolicyDecider['decide']>): DecisionSummary {
  const allow = d.request.allow;
  return {
    decision: allow ? 'allow' : 'deny',
    trainable: allow && d.training.permit,
    rules: (allow ? [] : d.request.reasons).map((r) => r.rule),
    training_rules: d.training.reasons.map((r) => r.rule),
  };
}

/** A recorded call with the policy input rebuilt from it (null: it never reached routing), ready to hand to a worker. */
export interface PreparedCall {
  record: CallRecord;
  facts: CallFacts | null;
}

export function prepareCalls(calls: readonly CallRecord[], ctx: RecordContext = {}): PreparedCall[] {
  return calls.map((record) => ({ record, facts: factsFromRecord(record, ctx) }));
}

export function emptyReport(): DryRunReport {
  return { revision: '', examined: 0, skipped: 0, changed: 0, changes: [], errors: [], groups: [], slowest_decision_ms: 0 };
}

/**
 * Decides each prepared call with the candidate and adds it to `report` (groups are left to the caller):
 * compared with what was recorded or, given a baseline (the serving revision), with what the baseline
 * decides for the same input, so that only the candidate's own effect shows.
 */
const REMEASURE_MS = 5;

export function addDecisions(report: DryRunReport, calls: readonly PreparedCall[], candidate: PolicyDecider, baseline?: PolicyDecider): DryRunReport {
  for (const { record, facts } of calls) {
    if (!facts) {
      report.skipped++;
      continue;
    }
    report.examined++;
    let before: DecisionSummary = {
      decision: record.decision,
      trainable: record.trainable,
      rules: record.reasons.map((r) => r.rule),
    };
    let after: DecisionSummary;
    let started = performance.now();
    try {
      if (baseline) before = summary(baseline.decide(facts));
      started = performance.now();
      const d = candidate.decide(facts);
      let took = performance.now() - started;
      // A slow decision is timed again, twice, and its fastest time counts: a thread that was only
      // preempted once is not taken for a heavy rule, and a heavy rule is heavy every time.
      for (let again = 0; again < 2 && took > REMEASURE_MS; again++) {
        started = performance.now();
        candidate.decide(facts);
        took = Math.min(took, performance.now() - started);
      }
      report.slowest_decision_ms = Math.max(report.slowest_decision_ms, Math.round(took * 100) / 100);
      report.revision = d.revision;
      after = summary(d);
    } catch (err) {
      // A decision that fails held the loop as long as it ran before failing: its time counts too.
      report.slowest_decision_ms = Math.max(report.slowest_decision_ms, Math.round((performance.now() - started) * 100) / 100);
      report.errors.push({ decision_id: record.decision_id, error: String((err as Error).message ?? err) });
      continue;
    }
    if (before.decision !== after.decision || (before.decision === 'allow' && before.trainable !== after.trainable)) {
      report.changed++;
      report.changes.push({
        decision_id: record.decision_id,
        time: record.time,
        team: record.principal.team,
        model: record.model!,
        purpose: record.purpose,
        before,
        after,
      });
    }
  }
  return report;
}

/** Adds a part (one chunk's report) to the whole; groups are computed once at the end. */
export function mergeReport(into: DryRunReport, part: DryRunReport): DryRunReport {
  into.revision = part.revision || into.revision;
  into.examined += part.examined;
  into.skipped += part.skipped;
  into.changed += part.changed;
  into.changes.push(...part.changes);
  into.errors.push(...part.errors);
  into.slowest_decision_ms = Math.max(into.slowest_decision_ms, part.slowest_decision_ms);
  return into;
}

/** Pure over its arguments: the whole comparison in this thread (the CLI; the gateway runs it in a worker, see preview.ts). */
export function compareDecisions(calls: readonly CallRecord[], candidate: PolicyDecider, ctx: RecordContext = {}, baseline?: PolicyDecider): DryRunReport {
  const report = addDecisions(emptyReport(), prepareCalls(calls, ctx), candidate, baseline);
  report.groups = impactGroups(report.changes);
  return report;
}
