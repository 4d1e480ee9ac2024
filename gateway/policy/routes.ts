// Control plane for the rules: /admin/v1/policies (read, stage, list and discard candidates, validate,
// dry-run, activate, history, rollback, and the names the rules may refer to). The console at /console calls the same API.
// Stage, discard, validate, activate and rollback are recorded in the audit log (gateway/changes), refusals too:
// an unknown or malformed candidate, a bad or over-long file name, a failed validation or activation
// (a request the body schema refuses, e.g. an activation without a reason, is answered 400 unrecorded).
// A dry run over its budget (policy.previewBudgetMs) is a 422 with step `dry-run-budget`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChangeRecorder, RoleGuard } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import { catalogueShapeProblems } from './data/catalogue-check.js';
import { describeCatalogueChanges } from './data/catalogue-diff.js';
import type { Catalogue } from './data/catalogue-schema.js';
import type { ServedModel } from './data/served-models.js';
import { LICENCES_FILE } from './toolchain/data-check.js';
import type { PolicyStore } from './store.js';
import { PolicyRefusedError } from './store-types.js';

/**
 * What a rule may name: the configured providers and models (with what each serves, which the console checks
 * against the licence catalogue), and the data classes the gateway detects.
 */
export interface PolicyVocabulary {
  providers: string[];
  models: ServedModel[];
  data_classes: string[];
}

export interface PolicyAdminRouteDeps {
  store: Pick<PolicyStore, 'status' | 'history' | 'sources' | 'stage' | 'candidates' | 'discard' | 'validate' | 'dryRun' | 'activate' | 'rollback'>;
  auth: RoleGuard;
  changes: ChangeRecorder;
  vocabulary: () => PolicyVocabulary;
}

/** Activation and rollback say why, in words kept in the history. */
const revisionBody = {
  type: 'object',
  required: ['revision', 'reason'],
  additionalProperties: false,
  properties: { revision: { type: 'string', minLength: 1, maxLength: 64 }, reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
} as const;

const candidateBody = {
  type: 'object',
  required: ['candidate'],
  additionalProperties: false,
  properties: { candidate: { type: 'string', minLength: 1, maxLength: 64 }, last: { type: 'integer', minimum: 1, maximum: 100000 } },
} as const;

const stageBody = {
  type: 'object',
  required: ['files'],
  additionalProperties: false,
  properties: {
    files: { type: 'object', additionalProperties: { type: 'string', maxLength: 1_000_000 } },
    base: { enum: ['active', 'empty'] },
  },
} as const;

function refused(reply: FastifyReply, err: unknown): FastifyReply {
  if (err instanceof PolicyRefusedError) return sendError(reply, 'policy_refused', 'control', err.message, { step: err.step });
  throw err;
}

function changeOf(action: 'policy.activate' | 'policy.rollback', body: { revision: string; reason: string }, before: string, r: { ok: boolean; error?: string }) {
  return { action, target: body.revision, before, after: r.ok ? body.revision : before, reason: body.reason, outcome: r.ok ? ('done' as const) : ('refused' as const), error: r.error ?? null };
}

export function policyAdminRoutes(app: FastifyInstance, deps: PolicyAdminRouteDeps): void {
  const read = { onRequest: deps.auth.require('auditor', 'policy-editor') };
  const edit = { onRequest: deps.auth.require('policy-editor') };
  const base = '/admin/v1/policies';

  app.get(base, read, async () => deps.store.status());
  app.get(`${base}/history`, read, async () => ({ history: deps.store.history() }));
  app.get(`${base}/vocabulary`, read, async () => deps.vocabulary());
  app.get<{ Params: { revision: string } }>(`${base}/revisions/:revision/sources`, read, async (request, reply) => {
    try {
      return { revision: request.params.revision, files: await deps.store.sources(request.params.revision) };
    } catch (err) {
      if (err instanceof PolicyRefusedError) return refused(reply, err);
      return sendError(reply, 'not_found', 'control', `no sources kept for revision ${request.params.revision}`);
    }
  });

  // The licence catalogue of a revision compared with another (default: the active one), field by field in sentences.
  app.get<{ Params: { revision: string }; Querystring: { against?: string } }>(`${base}/revisions/:revision/catalogue-changes`, read, async (request, reply) => {
    const against = request.query.against ?? deps.store.status().active.revision;
    const catalogueOf = async (revision: string): Promise<Catalogue | string> => {
      let files;
      try {
        files = await deps.store.sources(revision);
      } catch {
        return `no sources kept for revision ${revision}`;
      }
      const file = files.find((f) => f.path === LICENCES_FILE);
      if (!file) return `revision ${revision} has no ${LICENCES_FILE}`;
      let value: unknown;
      try {
        value = JSON.parse(file.content);
      } catch {
        return `${LICENCES_FILE} of revision ${revision} is not valid JSON`;
      }
      const problems = catalogueShapeProblems(value);
      return problems.length > 0 ? `${LICENCES_FILE} of revision ${revision}: ${problems[0]}` : (value as Catalogue);
    };
    const [before, after] = [await catalogueOf(against), await catalogueOf(request.params.revision)];
    for (const c of [before, after]) {
      if (typeof c === 'string') return sendError(reply, 'unprocessable', 'control', c);
    }
    return { revision: request.params.revision, against, changes: describeCatalogueChanges(before as Catalogue, after as Catalogue) };
  });

  app.post<{ Body: { files: Record<string, string>; base?: 'active' | 'empty' } }>(`${base}/stage`, { ...edit, schema: { body: stageBody } }, async (request, reply) => {
    const before = deps.store.status().active.revision;
    let staged;
    try {
      staged = await deps.store.stage(request.body);
    } catch (err) {
      // Refused or failed, the attempt is recorded; an unexpected failure still answers 500 after its record.
      await deps.changes.record(request, { action: 'policy.stage', target: null, before, after: null, outcome: 'refused', error: String((err as Error)?.message ?? err) });
      return refused(reply, err);
    }
    await deps.changes.record(request, { action: 'policy.stage', target: staged.candidate, before, after: staged.candidate, outcome: 'done' });
    return staged;
  });

  app.get(`${base}/candidates`, read, async () => ({ candidates: await deps.store.candidates() }));

  app.delete<{ Params: { candidate: string } }>(`${base}/candidates/:candidate`, edit, async (request, reply) => {
    try {
      const r = await deps.store.discard(request.params.candidate);
      if (!r.discarded) return sendError(reply, 'not_found', 'control', `no staged candidate ${r.candidate}`);
      await deps.changes.record(request, { action: 'policy.discard', target: r.candidate, before: r.candidate, after: null, outcome: 'done' });
      return r;
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { candidate: string } }>(`${base}/validate`, { ...edit, schema: { body: candidateBody } }, async (request, reply) => {
    try {
      let report;
      try {
        report = await deps.store.validate(request.body.candidate);
      } catch (err) {
        // An unknown or malformed candidate.
        await deps.changes.record(request, { action: 'policy.validate', target: request.body.candidate, before: null, after: null, outcome: 'refused', error: String((err as Error)?.message ?? err) });
        throw err;
      }
      const failed = report.steps.find((s) => !s.ok);
      await deps.changes.record(request, {
        action: 'policy.validate',
        target: request.body.candidate,
        before: null,
        after: report.ok ? report.revision : null,
        outcome: report.ok ? 'done' : 'refused',
        error: failed ? `${failed.step} failed` : null,
      });
      return reply.code(report.ok ? 200 : 422).send(report);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { candidate: string; last?: number } }>(`${base}/dry-run`, { ...edit, schema: { body: candidateBody } }, async (request, reply) => {
    try {
      return await deps.store.dryRun(request.body.candidate, { last: request.body.last });
    } catch (err) {
      return refused(reply, err);
    }
  });

  const note = (request: FastifyRequest<{ Body: { reason: string } }>) => ({ by: request.actor!.email ?? request.actor!.id, reason: request.body.reason.trim() });

  app.post<{ Body: { revision: string; reason: string } }>(`${base}/activate`, { ...edit, schema: { body: revisionBody } }, async (request, reply) => {
    try {
      const before = deps.store.status().active.revision;
      const r = await deps.store.activate(request.body.revision, 'staged', note(request));
      await deps.changes.record(request, changeOf('policy.activate', request.body, before, r));
      return reply.code(r.ok ? 200 : 422).send(r);
    } catch (err) {
      return refused(reply, err);
    }
  });

  app.post<{ Body: { revision: string; reason: string } }>(`${base}/rollback`, { ...edit, schema: { body: revisionBody } }, async (request, reply) => {
    try {
      const before = deps.store.status().active.revision;
      const r = await deps.store.rollback(request.body.revision, note(request));
      await deps.changes.record(request, changeOf('policy.rollback', request.body, before, r));
      return reply.code(r.ok ? 200 : 422).send(r);
    } catch (err) {
      return refused(reply, err);
    }
  });
}
