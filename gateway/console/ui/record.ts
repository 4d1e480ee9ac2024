// One call: the decision and the reasons with their clauses quoted, what was logged, its proof in the
// latest signed checkpoint (verified by the gateway against the checkpoint's signature), provenance.
import { ApiError, call } from './api.js';
import { decisionBadge, type StoredRecord } from './audit.js';
import { clear, h } from './dom.js';

interface ProofStatus {
  status: 'verified' | 'failed' | 'pending';
  message?: string;
  signature_verified?: boolean;
  inclusion_verified?: boolean;
  witnessed?: { ok: boolean; quorum: number; of: number; cosigned: string[]; error: string | null } | null;
  proof?: string[];
  checkpoint: { origin: string; size: number; time: string; root: string } | null;
}

const PHASE_WORDS: Record<string, string> = { started: 'Sent to the provider', completed: 'Answered', incomplete: 'Answer cut short', denied: 'Denied', failed: 'Failed' };

function detail(pairs: Array<[string, Node | string | null | undefined]>): HTMLElement {
  return h('dl', { class: 'detail' }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)]));
}

async function proofSection(seq: number): Promise<HTMLElement> {
  const p = await call<ProofStatus>('GET', `/admin/v1/audit/records/${seq}/proof`);
  const section = h('div', { class: 'proof', 'data-status': p.status });
  if (p.status === 'pending') {
    section.append(h('p', {}, `Not yet verifiable: ${p.message}.`), h('button', { type: 'button', class: 'secondary', onclick: async () => section.replaceWith(await proofSection(seq)) }, 'Check again'));
    return section;
  }
  const cp = p.checkpoint!;
  section.append(
    h('p', { class: p.status === 'verified' ? 'ok' : 'error' }, h('strong', {}, p.status === 'verified' ? '✓ Verified: ' : '✗ Verification failed: '),
      p.status === 'verified'
        ? `this record is entry ${seq} of the log's signed checkpoint of ${cp.size.toLocaleString('en-US')} records (${new Date(cp.time).toLocaleString()}).`
        : `${p.signature_verified ? '' : 'the checkpoint signature does not verify; '}${p.inclusion_verified ? '' : 'the record does not lead to the signed root (it was altered); '}${p.witnessed && !p.witnessed.ok ? 'the checkpoint lacks its witnesses’ cosignatures.' : ''}`),
    detail([
      ['Checkpoint signature', p.signature_verified ? 'valid' : 'invalid'],
      ['Inclusion proof', p.inclusion_verified ? `valid (${p.proof!.length} hashes to the root)` : 'invalid'],
      ['Witnesses', p.witnessed ? `${p.witnessed.cosigned.length} of ${p.witnessed.of} cosigned (${p.witnessed.quorum} needed)${p.witnessed.cosigned.length ? `: ${p.witnessed.cosigned.join(', ')}` : ''}${p.witnessed.error ? ` — ${p.witnessed.error}` : ''}` : 'none configured'],
      ['Log', cp.origin],
      ['Root', h('code', {}, cp.root)],
    ]),
  );
  return section;
}

async function contentSection(label: string, digest: string | null): Promise<HTMLElement | null> {
  if (!digest) return null;
  try {
    const { content } = await call<{ content: unknown }>('GET', `/admin/v1/audit/content/${encodeURIComponent(digest)}`);
    return h('details', {}, h('summary', {}, label), h('pre', {}, JSON.stringify(content, null, 2)));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return h('p', {}, `${label}: only its digest is kept (${digest}); the content was never stored or has been purged by retention.`);
    throw err;
  }
}

export async function renderRecord(main: HTMLElement, [decisionId]: string[]): Promise<void> {
  const { records } = await call<{ records: StoredRecord[] }>('GET', `/admin/v1/audit/records?decision_id=${encodeURIComponent(decisionId ?? '')}&limit=10`);
  if (records.length === 0) {
    clear(main, h('h1', {}, 'Recorded call'), h('p', {}, `No record of decision ${decisionId}.`), h('a', { href: '#/audit' }, 'Back to the audit log'));
    return;
  }
  const last = records[records.length - 1];
  const r = last.record;
  const reasons = r.reasons.length
    ? h('ul', { class: 'reasons' }, r.reasons.map((x) => h('li', {},
        h('strong', {}, x.rule), `: ${x.message}`,
        x.clause ? h('blockquote', {}, `“${x.clause.text}”`, h('footer', {}, `${x.clause.licence}, ${x.clause.section} — `, h('a', { href: x.clause.url, rel: 'noreferrer noopener', target: '_blank' }, 'source'))) : null)))
    : h('p', {}, 'No rule objected.');
  const content = (await Promise.all([contentSection('Request as logged', r.request_digest), contentSection('Response as logged', r.response_digest)])).filter(Boolean);
  const proofs = await Promise.all(records.map(async (e) => h('section', { 'aria-label': `Proof of the ${e.record.phase} record` }, h('h3', {}, `${PHASE_WORDS[e.record.phase] ?? e.record.phase} (entry ${e.seq})`), await proofSection(e.seq))));
  clear(
    main,
    h('h1', {}, 'Recorded call'),
    h('p', {}, h('a', { href: '#/audit' }, '← Back to the audit log')),
    detail([
      ['Decision', h('span', {}, decisionBadge(r.decision), ` by policy revision ${r.policy_revision ?? '–'}`)],
      ['Decision id', h('code', {}, r.decision_id)],
      ['When', new Date(r.time).toLocaleString()],
      ['Team / project', `${r.principal.team} / ${r.principal.project}`],
      ['Key', h('code', {}, r.principal.key_id)],
      ['Model', r.model ? `${r.model} (${r.provider})` : '–'],
      ['Endpoint', r.endpoint],
      ['Purpose', r.purpose],
      ['Data classes found', r.data_classes.join(', ') || 'none'],
      ['Answer', `HTTP ${r.status}${r.latency_ms !== null ? `, ${r.latency_ms} ms` : ''}${r.error ? ` — ${r.error}` : ''}`],
    ]),
    h('h2', {}, 'Reasons'),
    reasons,
    h('h2', {}, 'What was logged'),
    r.obligations ? h('p', {}, `Content logging: ${r.obligations.content_logging}${r.obligations.redactions.length ? ` (redacted: ${r.obligations.redactions.join(', ')})` : ''}; watermark ${r.obligations.watermark ? 'on' : 'off'}.`) : null,
    content.length ? content : h('p', {}, 'No content was kept for this call.'),
    h('h2', {}, 'Provenance'),
    detail([
      ['Licence', r.licence ?? '–'],
      ['May train our models', r.decision === 'allow' ? (r.trainable ? 'yes' : 'no') : '–'],
      ['Watermark id', r.watermark_id ? h('code', {}, r.watermark_id) : 'none'],
      ['Training permit', r.training_permit_id ? h('code', {}, r.training_permit_id) : 'none'],
    ]),
    h('h2', {}, 'Proof'),
    proofs,
  );
}
