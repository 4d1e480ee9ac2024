// `termsgate provenance scan FILE [--data-dir DIR] [--format text|jsonl] [--input text|jsonl] [--field PATH ...] [--model-dir DIR] [--no-semantic]`
// Exit status: 1 when restricted content (from a provider whose terms forbid training on it, or
// under a forged mark) is found, 0 when not, 2 on usage errors. Records: see provenance/scan-records.ts.
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { leadingSpan, type DetectionResult, type Span } from '../provenance/detection.js';
import { createProvenance } from '../provenance/provenance.js';
import { summarise } from '../provenance/scan-summary.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, modelMissing } from '../provenance/semantic/semantic-provenance.js';
import { detectWithMeaning } from '../provenance/semantic/with-meaning.js';
import { ParagraphSplitter, textOfJsonRecord, type ScanRecord } from '../provenance/scan-records.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { command, subcommands, UsageError, type Parsed } from './args.js';
import { runVerifyToken } from './provenance-verify-token.js';

const options = {
  'data-dir': { type: 'string', default: './data' },
  format: { type: 'string', default: 'text' },
  input: { type: 'string' },
  field: { type: 'string', multiple: true, default: [] as string[] },
  'model-dir': { type: 'string' },
  'no-semantic': { type: 'boolean', default: false },
} as const;

async function* records(file: string, input: 'text' | 'jsonl', fields: string[]): AsyncGenerator<ScanRecord> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  if (input === 'text') {
    const splitter = new ParagraphSplitter();
    for await (const line of lines) {
      const r = splitter.push(line);
      if (r) yield r;
    }
    const last = splitter.end();
    if (last) yield last;
    return;
  }
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${lineNo}: not a JSON object`);
    }
    yield { line: lineNo, text: textOfJsonRecord(parsed, fields) };
  }
}

function describeSpan(s: Span): string {
  if (s.status === 'forged') return 'FORGED mark, restricted';
  const verdict = s.restricted ? 'restricted' : 'permitted';
  const trainable = s.trainable === null ? '' : s.trainable ? ', trainable' : ', not trainable';
  const claim = s.status === 'genuine' ? '' : ` ${s.status.toUpperCase()} mark of`;
  return `${verdict}:${claim} ${s.origin} ${s.score} decision ${s.decision_id} licence ${s.licence ?? '?'} (${s.licence_class ?? '?'})${trainable}`;
}

/** The record's verdict on its first line, then each traced span with its character range when there are several. */
function describe(file: string, line: number, r: DetectionResult): string[] {
  const traced = r.spans.filter((s) => s.origin !== 'none');
  const lead = leadingSpan(r.spans)!;
  const head = `${file}:${line}: ${r.restricted && !lead.restricted ? 'restricted (see spans): ' : ''}${describeSpan(lead)}`;
  if (traced.length < 2) return [head];
  return [head, ...traced.map((s) => `  chars ${s.start}-${s.end}: ${describeSpan(s)}`)];
}

async function scan(values: Parsed<typeof options>['values'], file: string): Promise<number> {
  if (values.format !== 'text' && values.format !== 'jsonl') throw new UsageError(`unknown --format ${values.format}`);
  const input = values.input ?? (/\.(jsonl|ndjson)$/i.test(file) || values.field.length > 0 ? 'jsonl' : 'text');
  if (input !== 'text' && input !== 'jsonl') throw new UsageError(`unknown --input ${input}`);
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const dataDir = values['data-dir'];
  // Never create keys here: a scan against the wrong directory must fail, not verify against a new key.
  if (!existsSync(join(dataDir, 'keys', 'watermark-mac.key')) || !existsSync(join(dataDir, 'keys', 'signing-ed25519.pem'))) {
    throw new UsageError(`no gateway keys under ${dataDir}/keys (use --data-dir)`);
  }
  const provenance = await createProvenance({ dataDir, keys: loadOrCreateSigningKeys(dataDir), readOnly: true });
  // Meaning too (semantic/), unless asked not to: a scan that silently skipped it would under-report.
  const modelDir = values['model-dir'] ?? DEFAULT_MODEL_DIR;
  if (!values['no-semantic'] && modelMissing(modelDir)) throw new UsageError(`${modelMissing(modelDir)} (or scan with --no-semantic)`);
  const semantic = values['no-semantic'] ? null : await createSemanticProvenance({ dataDir, modelDir, readOnly: true });
  const results: DetectionResult[] = [];
  const out = (s: string) => process.stdout.write(s + '\n');
  let n = 0;
  for await (const record of records(file, input, values.field)) {
    const words = provenance.detect(record.text);
    const r = semantic ? await detectWithMeaning(words, record.text, semantic) : words;
    results.push(r);
    n++;
    if (values.format === 'jsonl') out(JSON.stringify({ record: n, line: record.line, ...r }));
    else if (r.origin !== null) describe(file, record.line, r).forEach(out);
  }
  await provenance.close();
  await semantic?.close();
  const summary = summarise(results);
  if (values.format === 'jsonl') out(JSON.stringify({ summary }));
  else {
    out(
      `${summary.records} records: ${summary.traced} traced (${summary.via_watermark} by watermark, ${summary.via_fingerprint} by fingerprint, ${summary.via_semantic} by meaning), ` +
        `${summary.restricted} restricted, ${summary.forged} with forged marks, ${summary.transplanted} with transplanted marks`,
    );
  }
  return summary.restricted > 0 ? 1 : 0;
}

const cli = subcommands('termsgate provenance', {
  scan: command({
    name: 'termsgate provenance scan',
    synopsis: 'termsgate provenance scan FILE [--data-dir DIR] [--format text|jsonl] [--input text|jsonl] [--field PATH ...] [--model-dir DIR] [--no-semantic]',
    detail: `  FILE        plain text (one record per blank-line-separated paragraph) or JSONL (one record per line:
              assistant contents of "messages", or the --field paths, e.g. --field choices.0.message.content)
  --input     how to read FILE; default: jsonl for *.jsonl / *.ndjson or when --field is given, else text
  --format    text (default): traced records and a summary; jsonl: one object per record, then a summary line
  --model-dir the sentence-embedding model for tracing by meaning (default .models/all-minilm-l6-v2-q; make setup)
  --no-semantic  marks and word fingerprints only (without it, a missing model is an error)
exit status: 1 when restricted content is found, 0 when not, 2 on usage errors`,
    options,
    positionals: ['FILE'],
    run: ({ values, positionals }) => scan(values, positionals[0]),
  }),
  'verify-token': { synopsis: 'termsgate provenance verify-token TOKEN [--key VKEY] [--evidence FILE | --url URL]', run: (args) => runVerifyToken(args) },
});

export const run = (args: string[]): Promise<number> => cli.run(args);
