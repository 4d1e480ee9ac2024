// `termsgate provenance verify-token TOKEN [--key VKEY] [--evidence FILE | --url URL]`: whether a provenance
// token was issued for the decision, licence and trainability it claims. With --key (the audit log's
// verifier key, a file or the key itself) the evidence is checked with that key alone: the record naming
// the token, its inclusion proof, the signed checkpoint; the gateway's own answer (its MAC check) is shown
// but not relied on. Evidence comes from a running gateway (POST /admin/v1/audit/provenance-token, an
// auditor's token) or from a file holding that answer. Exit: 0 verified, 1 invalid, 3 pending, 2 usage.
import { existsSync, readFileSync } from 'node:fs';
import { checkTokenEvidence, type TokenEvidence, type TokenVerdict } from '../audit/token-evidence.js';
import { adminClient, TOKEN_ENV, URL_ENV } from './admin-client.js';
import { command, UsageError } from './args.js';

type Out = { write(s: string): unknown };

/** The endpoint's answer, as fetched or saved. */
interface GatewayAnswer {
  valid: boolean;
  reason?: string;
  verifier_key: string;
  evidence: TokenEvidence | null;
}

const PENDING_EXIT = 3;

function readAnswer(path: string): GatewayAnswer {
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GatewayAnswer;
  } catch {
    throw new UsageError(`${path}: not the JSON answer of POST /admin/v1/audit/provenance-token`);
  }
}

function verifierKeyOf(value: string): string {
  return existsSync(value) ? readFileSync(value, 'utf8').trim() : value.trim();
}

function describe(v: TokenVerdict): string {
  if (v.status === 'invalid') return `INVALID: ${v.reason}`;
  const c = v.claims;
  const what = `decision ${c.decision_id}, licence ${c.licence}, ${c.trainable ? 'trainable' : 'not trainable'}, policy ${c.policy_revision}`;
  if (v.status === 'pending') return `PENDING: ${what}: audit record ${v.seq}; ${v.message}`;
  return `VERIFIED: ${what}: audit record ${v.seq} in the signed tree of size ${v.treeSize}`;
}

export async function runVerifyToken(args: string[], out: Out = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return command({
    name: 'termsgate provenance verify-token',
    synopsis: 'termsgate provenance verify-token TOKEN [--key VKEY] [--evidence FILE | --url URL] [--token-env VAR]',
    detail: `  TOKEN       the x-termsgate-provenance header of an answer
  --key       the audit log's signed-note verifier key, or a file holding it: the check then trusts only this key
              (without it, the key the gateway names is used, which shows integrity only, and the output says so)
  --evidence  a saved answer of POST /admin/v1/audit/provenance-token; otherwise it is fetched from --url or ${URL_ENV}
              with the auditor's token in ${TOKEN_ENV} (or the variable --token-env names)
exit status: 0 verified, 1 invalid, ${PENDING_EXIT} pending (issued after the newest signed checkpoint), 2 usage errors`,
    options: {
      key: { type: 'string' },
      evidence: { type: 'string' },
      url: { type: 'string' },
      'token-env': { type: 'string', default: TOKEN_ENV },
    },
    positionals: ['TOKEN'],
    async run({ values, positionals }) {
      if (values.evidence && values.url) throw new UsageError('--evidence and --url exclude each other');
      const token = positionals[0];
      const answer = values.evidence
        ? readAnswer(values.evidence)
        : await adminClient(values.url, values['token-env'], env).request<GatewayAnswer>('POST', '/admin/v1/audit/provenance-token', { token });
      const pinned = values.key !== undefined;
      const verdict = checkTokenEvidence(token, answer.evidence ?? null, pinned ? verifierKeyOf(values.key!) : answer.verifier_key);
      out.write(describe(verdict) + '\n');
      if (!values.evidence) out.write(`the gateway's own MAC check: ${answer.valid ? 'valid' : `invalid (${answer.reason})`}\n`);
      if (!pinned && verdict.status !== 'invalid') out.write('note: checked against the key the gateway names (no --key): this shows integrity, not who signed\n');
      return verdict.status === 'verified' ? 0 : verdict.status === 'pending' ? PENDING_EXIT : 1;
    },
  }).run(args);
}
