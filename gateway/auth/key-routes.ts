// /admin/v1/keys (role admin): virtual keys as data. Create and rotate answer the key once; only its
// hash is stored. Every change is recorded in the audit log naming the actor (gateway/changes), before
// the answer leaves; when it cannot be recorded, the change is undone and the caller gets the error.
// Keys from the configuration file are listed read-only: they change in the file.
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { KeyView } from '../core/contracts.js';
import type { ChangeRecorder, RoleGuard } from '../core/control-plane.js';
import { sendError } from '../core/errors.js';
import { hashSecret, newSecret } from '../core/secret-hash.js';
import type { VirtualKeyConfig } from '../config/types.js';
import { publicView, type StoredKey } from './key-record.js';
import type { KeyStore } from './key-store.js';

export const VIRTUAL_KEY_PREFIX = 'tg-';

export interface KeyRouteDeps {
  store: KeyStore;
  configured: VirtualKeyConfig[];
  auth: RoleGuard;
  changes: ChangeRecorder;
  /** Dollars a key has spent today and this month (UTC), as this replica counts them. */
  spent(keyId: string): { day_usd: number; month_usd: number };
  now?: () => Date;
}

const name = { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$' } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;

const createBody = {
  type: 'object',
  required: ['team'],
  additionalProperties: false,
  properties: {
    id: name,
    team: name,
    project: name,
    allowedPurposes: { type: 'array', minItems: 1, maxItems: 50, items: name },
    defaultPurpose: name,
    models: { type: 'array', minItems: 1, maxItems: 500, items: name },
    expiresAt: { type: 'string', format: 'date-time' },
    limits: { type: 'object', additionalProperties: false, properties: { requestsPerMinute: { type: 'integer', minimum: 1 }, tokensPerMinute: { type: 'integer', minimum: 1 } } },
    budget: { type: 'object', additionalProperties: false, properties: { dailyUsd: positive, monthlyUsd: positive } },
  },
} as const;

interface CreateBody {
  id?: string;
  team: string;
  project?: string;
  allowedPurposes?: string[];
  defaultPurpose?: string;
  models?: string[];
  expiresAt?: string;
  limits?: StoredKey['limits'];
  budget?: StoredKey['budget'];
}

function configView(k: VirtualKeyConfig) {
  const { hash: _hash, limits: _limits, budget: _budget, ...rest } = k;
  return { ...rest, models: null, expiresAt: null, limits: k.limits ?? {}, budget: k.budget ?? {}, source: 'config' as const, status: 'active' as const };
}

export function keyAdminRoutes(app: FastifyInstance, deps: KeyRouteDeps): void {
  const admin = { onRequest: deps.auth.require('admin') };
  const now = deps.now ?? (() => new Date());
  const base = '/admin/v1/keys';
  const configured = new Map(deps.configured.map((k) => [k.id, k]));

  // Both kinds of key answer as the KeyView the CLI and the console read.
  const withSpend = <K extends Omit<KeyView, 'spend'>>(k: K): K & KeyView => ({ ...k, spend: deps.spent(k.id) });

  app.get<{ Querystring: { team?: string } }>(base, admin, async (request) => {
    const team = request.query.team;
    const stored = (await deps.store.list()).map((k) => publicView(k, 'store', now().getTime()));
    const all = [...deps.configured.map(configView), ...stored].map(withSpend);
    return { keys: team === undefined ? all : all.filter((k) => k.team === team) };
  });

  app.get<{ Params: { id: string } }>(`${base}/:id`, admin, async (request, reply) => {
    const fromConfig = configured.get(request.params.id);
    if (fromConfig) return withSpend(configView(fromConfig));
    const k = await deps.store.get(request.params.id);
    return k ? withSpend(publicView(k, 'store', now().getTime())) : sendError(reply, 'not_found', 'control', `no virtual key ${request.params.id}`);
  });

  app.post<{ Body: CreateBody }>(base, { ...admin, schema: { body: createBody } }, async (request, reply) => {
    const b = request.body;
    const at = now();
    const purposes = b.allowedPurposes ?? [b.defaultPurpose ?? 'general'];
    const defaultPurpose = b.defaultPurpose ?? purposes[0];
    if (!purposes.includes(defaultPurpose)) return sendError(reply, 'bad_request', 'control', `defaultPurpose ${defaultPurpose} is not one of allowedPurposes`);
    if (b.expiresAt !== undefined && Date.parse(b.expiresAt) <= at.getTime()) return sendError(reply, 'bad_request', 'control', 'expiresAt is in the past');
    const id = b.id ?? `${b.team}-${randomBytes(4).toString('hex')}`;
    if (configured.has(id)) return sendError(reply, 'conflict', 'control', `virtual key ${id} is in the configuration file`);
    const secret = newSecret(VIRTUAL_KEY_PREFIX);
    const key: StoredKey = {
      id,
      hash: hashSecret(secret),
      team: b.team,
      project: b.project ?? 'default',
      defaultPurpose,
      allowedPurposes: purposes,
      models: b.models ?? null,
      expiresAt: b.expiresAt ? new Date(b.expiresAt).toISOString() : null,
      limits: b.limits ?? {},
      budget: b.budget ?? {},
      createdAt: at.toISOString(),
      createdBy: request.actor!.id,
      rotatedAt: null,
      revokedAt: null,
    };
    if (!(await deps.store.create(key))) return sendError(reply, 'conflict', 'control', `virtual key ${id} exists`);
    try {
      await deps.changes.record(request, { action: 'key.create', target: id, before: null, after: `team ${key.team}, project ${key.project}`, outcome: 'done' });
    } catch (err) {
      await deps.store.revoke(id, now().toISOString());
      throw err;
    }
    return reply.code(201).send({ key: publicView(key, 'store', at.getTime()), secret });
  });

  app.delete<{ Params: { id: string } }>(`${base}/:id`, admin, async (request, reply) => {
    const { id } = request.params;
    if (configured.has(id)) return sendError(reply, 'conflict', 'control', `virtual key ${id} is in the configuration file; remove it there`);
    const before = await deps.store.get(id);
    if (!before) return sendError(reply, 'not_found', 'control', `no virtual key ${id}`);
    const after = await deps.store.revoke(id, now().toISOString());
    await deps.changes.record(request, { action: 'key.revoke', target: id, before: before.revokedAt ? 'revoked' : 'active', after: 'revoked', outcome: 'done' });
    return publicView(after!, 'store', now().getTime());
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/rotate`, admin, async (request, reply) => {
    const { id } = request.params;
    if (configured.has(id)) return sendError(reply, 'conflict', 'control', `virtual key ${id} is in the configuration file; rotate it there`);
    const secret = newSecret(VIRTUAL_KEY_PREFIX);
    const rotated = await deps.store.rotate(id, hashSecret(secret), now().toISOString());
    if (!rotated) return sendError(reply, 'not_found', 'control', `no live virtual key ${id}`);
    // The old key stopped working at the rotation; a failed record cannot bring it back, so the error is the caller's to see.
    await deps.changes.record(request, { action: 'key.rotate', target: id, before: null, after: null, outcome: 'done' });
    return { key: publicView(rotated, 'store', now().getTime()), secret };
  });
}
