// `termsgate keys create|list|revoke|rotate`. With a gateway's URL (--url or TERMSGATE_URL) the commands
// go through its admin API (/admin/v1/keys), so each change lands in the running key store and in the
// change log naming the token's id; the CLI never opens the store itself. Without a URL, `create` prints
// a key and the entry to add under `keys:` in the configuration (which holds only its hash), as before.
import { stringify } from 'yaml';
import { hashSecret, newSecret } from '../core/secret-hash.js';
import { adminClient, TOKEN_ENV, URL_ENV } from './admin-client.js';
import type { KeyView } from '../core/contracts.js';
import { command, integer, subcommands, UsageError } from './args.js';

type Out = { write(s: string): unknown };


const SHOWN_ONCE = 'virtual key (shown once, give it to the developer)';
const connection = {
  url: { type: 'string' },
  'token-env': { type: 'string', default: TOKEN_ENV },
} as const;
const CONNECTION = `[--url URL] [--token-env VAR]`;
const DETAIL = `The gateway's URL comes from --url or ${URL_ENV}; the admin token from the environment variable ${TOKEN_ENV} (or the one --token-env names).`;

function positiveNumber(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${option} must be a positive number`);
  return n;
}

function table(keys: KeyView[]): string {
  const rows = [['ID', 'TEAM', 'PROJECT', 'PURPOSES', 'MODELS', 'EXPIRES', 'SOURCE', 'STATUS'], ...keys.map((k) => [k.id, k.team, k.project, k.allowedPurposes.join(','), k.models?.join(',') ?? '*', k.expiresAt ?? '-', k.source, k.status])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

export async function run(args: string[], out: Out = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const create = command({
    name: 'termsgate keys create',
    synopsis: `termsgate keys create --team T [--purpose P ...] [--project P] [--id ID] [--model M ...] [--expires RFC3339] [--rpm N] [--tpm N] [--daily-usd X] [--monthly-usd X] ${CONNECTION}`,
    detail: `${DETAIL}\nWithout a URL it prints the entry to add under keys: in the configuration (--model, --expires, limits and budgets need the gateway).`,
    options: {
      team: { type: 'string' },
      purpose: { type: 'string', multiple: true },
      project: { type: 'string', default: 'default' },
      id: { type: 'string' },
      model: { type: 'string', multiple: true },
      expires: { type: 'string' },
      rpm: { type: 'string' },
      tpm: { type: 'string' },
      'daily-usd': { type: 'string' },
      'monthly-usd': { type: 'string' },
      ...connection,
    },
    required: ['team'],
    async run({ values }) {
      const purposes = values.purpose?.length ? values.purpose : ['general'];
      if (values.url === undefined && env[URL_ENV] === undefined) {
        const onlyOnline = (['model', 'expires', 'rpm', 'tpm', 'daily-usd', 'monthly-usd'] as const).find((o) => values[o] !== undefined);
        if (onlyOnline) throw new UsageError(`--${onlyOnline} needs the gateway (--url or ${URL_ENV})`);
        const key = newSecret('tg-');
        const entry = { id: values.id ?? `${values.team}-${key.slice(3, 11)}`, hash: hashSecret(key), team: values.team, project: values.project, defaultPurpose: purposes[0], allowedPurposes: purposes };
        out.write(`${SHOWN_ONCE}: ${key}\n\nadd under keys: in the configuration:\n`);
        out.write(stringify([entry]).replace(/^/gm, '  '));
        return 0;
      }
      const limits = {
        ...(values.rpm !== undefined ? { requestsPerMinute: integer(values.rpm, 'rpm', 1) } : {}),
        ...(values.tpm !== undefined ? { tokensPerMinute: integer(values.tpm, 'tpm', 1) } : {}),
      };
      const budget = {
        ...(values['daily-usd'] !== undefined ? { dailyUsd: positiveNumber(values['daily-usd'], 'daily-usd') } : {}),
        ...(values['monthly-usd'] !== undefined ? { monthlyUsd: positiveNumber(values['monthly-usd'], 'monthly-usd') } : {}),
      };
      const body = {
        team: values.team,
        project: values.project,
        allowedPurposes: purposes,
        ...(values.id ? { id: values.id } : {}),
        ...(values.model?.length ? { models: values.model } : {}),
        ...(values.expires ? { expiresAt: values.expires } : {}),
        ...(Object.keys(limits).length ? { limits } : {}),
        ...(Object.keys(budget).length ? { budget } : {}),
      };
      const created = await adminClient(values.url, values['token-env'], env).request<{ key: KeyView; secret: string }>('POST', '/admin/v1/keys', body);
      out.write(`created ${created.key.id} (team ${created.key.team})\n${SHOWN_ONCE}: ${created.secret}\n`);
      return 0;
    },
  });
  const list = command({
    name: 'termsgate keys list',
    synopsis: `termsgate keys list [--team T] [--format table|json] ${CONNECTION}`,
    detail: DETAIL,
    options: { team: { type: 'string' }, format: { type: 'string', default: 'table' }, ...connection },
    async run({ values }) {
      if (values.format !== 'table' && values.format !== 'json') throw new UsageError('--format must be table or json');
      const query = values.team ? `?team=${encodeURIComponent(values.team)}` : '';
      const { keys } = await adminClient(values.url, values['token-env'], env).request<{ keys: KeyView[] }>('GET', `/admin/v1/keys${query}`);
      out.write(values.format === 'json' ? JSON.stringify(keys, null, 2) + '\n' : table(keys));
      return 0;
    },
  });
  const revoke = command({
    name: 'termsgate keys revoke',
    synopsis: `termsgate keys revoke ID ${CONNECTION}`,
    detail: DETAIL,
    options: connection,
    positionals: ['ID'],
    async run({ values, positionals }) {
      const key = await adminClient(values.url, values['token-env'], env).request<KeyView>('DELETE', `/admin/v1/keys/${encodeURIComponent(positionals[0])}`);
      out.write(`revoked ${key.id}\n`);
      return 0;
    },
  });
  const rotate = command({
    name: 'termsgate keys rotate',
    synopsis: `termsgate keys rotate ID ${CONNECTION}`,
    detail: `${DETAIL}\nThe old key stops working at once.`,
    options: connection,
    positionals: ['ID'],
    async run({ values, positionals }) {
      const rotated = await adminClient(values.url, values['token-env'], env).request<{ key: KeyView; secret: string }>('POST', `/admin/v1/keys/${encodeURIComponent(positionals[0])}/rotate`);
      out.write(`rotated ${rotated.key.id}; the old key no longer works\n${SHOWN_ONCE}: ${rotated.secret}\n`);
      return 0;
    },
  });
  return subcommands('termsgate keys', { create, list, revoke, rotate }).run(args);
}
