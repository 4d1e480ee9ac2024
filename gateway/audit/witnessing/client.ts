// The log's side of C2SP tlog-witness: submits each new checkpoint to every configured witness with a
// consistency proof from the size that witness last cosigned, and collects the cosignatures that
// verify against the witness's pinned key. A witness that refuses (409 with a larger size: the log
// was rolled back; 422: not an extension, a fork) is reported, never worked around.
import { request, type Dispatcher } from 'undici';
import { readBounded } from '../../core/bounded-body.js';
import { encodeAddCheckpoint, SIZE_CONTENT_TYPE } from '../../tlog/add-checkpoint.js';
import type { SignedCheckpoint } from '../../tlog/checkpoint.js';
import { addSignatureLines, noteSignatureLines, verifyCosignatures } from '../../tlog/cosignature.js';

export interface WitnessEndpoint {
  /** Submission prefix: the witness answers POST <url>/add-checkpoint. */
  url: string;
  /** The witness's verifier key (tlog-cosignature, type 0x04). */
  key: string;
}

export interface CosignResult {
  /** The checkpoint note with every valid cosignature collected. */
  note: string;
  cosigned: number;
  failures: string[];
}

/** Total time of one submission, the answer read whole included (a witness that trickles bytes is cut too). */
const TIMEOUT_MS = 5_000;
/** A witness answers a few signature lines or a size: more is not a witness's answer, and is not held. */
const ANSWER_BYTES = 64 * 1024;

export class WitnessClient {
  readonly #witnesses: WitnessEndpoint[];
  /** Per witness URL, the size it last cosigned, as far as this process knows (0 = ask). */
  readonly #known = new Map<string, number>();

  constructor(
    witnesses: WitnessEndpoint[],
    /** How witnesses are reached (the egress proxy rules); undici's default when absent. */
    private readonly dispatcher?: Dispatcher,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {
    this.#witnesses = witnesses;
  }

  async cosign(cp: SignedCheckpoint, proof: (from: number) => Promise<Buffer[]>): Promise<CosignResult> {
    const results = await Promise.all(this.#witnesses.map((w) => this.#submit(w, cp, proof).then((line) => ({ line, error: null }), (err: Error) => ({ line: null, error: `witness ${w.url}: ${err.message}` }))));
    const lines = results.flatMap((r) => (r.line ? [r.line] : []));
    return { note: addSignatureLines(cp.note, lines), cosigned: lines.length, failures: results.flatMap((r) => (r.error ? [r.error] : [])) };
  }

  async #submit(w: WitnessEndpoint, cp: SignedCheckpoint, proof: (from: number) => Promise<Buffer[]>): Promise<string> {
    // Unknown old size: the witness's 409 names it; one retry with it.
    for (let attempt = 0; attempt < 2; attempt++) {
      const old = this.#known.get(w.url) ?? 0;
      if (old > cp.size) throw new Error(`it has cosigned a tree of ${old} records, larger than this checkpoint of ${cp.size}: the log was rolled back`);
      const body = encodeAddCheckpoint({ oldSize: old, proof: old > 0 && old < cp.size ? await proof(old) : [], note: cp.note });
      const { res, text } = await this.#post(`${w.url}/add-checkpoint`, body);
      if (res.statusCode === 200) {
        const lines = text.split('\n').filter((l) => l.startsWith('\u2014 '));
        const mine = lines.filter((l) => verifyCosignatures(addSignatureLines(cp.note, [l]), [w.key]).length > 0 && !noteSignatureLines(cp.note).includes(l));
        if (mine.length === 0) throw new Error('answered without a valid cosignature from its pinned key');
        this.#known.set(w.url, cp.size);
        return mine[0];
      }
      if (res.statusCode === 409 && String(res.headers['content-type'] ?? '').startsWith(SIZE_CONTENT_TYPE) && /^\d+\n?$/.test(text)) {
        const size = Number(text.trim());
        if (size === old) throw new Error(`refused the checkpoint of size ${cp.size}: a different tree of the same size was cosigned (fork)`);
        this.#known.set(w.url, size);
        continue;
      }
      if (res.statusCode === 422) throw new Error(`refused the checkpoint of size ${cp.size}: not a consistent extension of what it cosigned (fork or rewrite): ${text.trim()}`);
      throw new Error(`answered ${res.statusCode}: ${text.trim().slice(0, 200)}`);
    }
    throw new Error(`could not agree on the old size (it last reported ${this.#known.get(w.url)})`);
  }

  async #post(url: string, body: Buffer | string): Promise<{ res: Dispatcher.ResponseData; text: string }> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'text/plain' }, signal, dispatcher: this.dispatcher });
      const tooLong = () => new Error(`answered more than ${ANSWER_BYTES} bytes`);
      return { res, text: (await readBounded(res.body, ANSWER_BYTES, tooLong)).toString('utf8') };
    } catch (err) {
      if (signal.aborted) throw new Error(`no whole answer within ${this.timeoutMs} ms`);
      throw err;
    }
  }
}
