// `termsgate usage --by team|key|model|provider [--from T] [--to T] [--format table|csv|json]`: calls,
// tokens and recorded cost from a running gateway's audit log (GET /admin/v1/usage), through its
// control plane like `termsgate keys` (an auditor's or admin's token).
import { csvRow } from '../audit/export/csv.js';
import { USAGE_GROUPS, type UsageRow } from '../audit/usage.js';
import { adminClient, TOKEN_ENV, URL_ENV } from './admin-client.js';
import { command, UsageError } from './args.js';

type Out = { write(s: string): unknown };
const FORMATS = ['table', 'csv', 'json'] as const;
const COLUMNS = ['calls', 'input_tokens', 'output_tokens', 'cost_usd'] as const;

function table(by: string, rows: UsageRow[]): string {
  const total: UsageRow = { group: 'total', calls: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0 };
  for (const r of rows) for (const c of COLUMNS) total[c] += r[c];
  const cells = (r: UsageRow) => [r.group, String(r.calls), String(r.input_tokens), String(r.output_tokens), r.cost_usd.toFixed(6)];
  const lines = [[by.toUpperCase(), 'CALLS', 'INPUT TOKENS', 'OUTPUT TOKENS', 'COST USD'], ...rows.map(cells), cells(total)];
  const widths = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  // The name column reads left-aligned, the figures right-aligned.
  return lines.map((l) => l.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n') + '\n';
}

export async function run(args: string[], out: Out = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return command({
    name: 'termsgate usage',
    synopsis: 'termsgate usage --by team|key|model|provider [--from T] [--to T] [--format table|csv|json] [--url URL] [--token-env VAR]',
    detail: `Calls, tokens and recorded cost in [--from, --to) (RFC 3339 or a date). The gateway's URL comes from --url or ${URL_ENV}; the token (auditor or admin) from ${TOKEN_ENV} or the variable --token-env names.`,
    options: {
      by: { type: 'string', default: 'team' },
      from: { type: 'string' },
      to: { type: 'string' },
      format: { type: 'string', default: 'table' },
      url: { type: 'string' },
      'token-env': { type: 'string', default: TOKEN_ENV },
    },
    async run({ values }) {
      if (!(USAGE_GROUPS as readonly string[]).includes(values.by)) throw new UsageError(`--by must be one of ${USAGE_GROUPS.join(', ')}`);
      if (!(FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
      for (const t of ['from', 'to'] as const) if (values[t] !== undefined && Number.isNaN(Date.parse(values[t]!))) throw new UsageError(`--${t} is not a time`);
      const query = new URLSearchParams({ by: values.by, ...(values.from ? { from: values.from } : {}), ...(values.to ? { to: values.to } : {}) });
      const answer = await adminClient(values.url, values['token-env'], env).request<{ rows: UsageRow[] }>('GET', `/admin/v1/usage?${query}`);
      if (values.format === 'json') out.write(JSON.stringify(answer, null, 2) + '\n');
      else if (values.format === 'csv') out.write(csvRow([values.by, ...COLUMNS]) + answer.rows.map((r) => csvRow([r.group, ...COLUMNS.map((c) => String(r[c]))])).join(''));
      else out.write(table(values.by, answer.rows));
      return 0;
    },
  }).run(args);
}
