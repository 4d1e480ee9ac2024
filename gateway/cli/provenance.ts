// `termsgate provenance scan FILE [--data-dir DIR] [--format text|jsonl] [--input text|jsonl] [--field PATH ...] [--model-dir DIR] [--no-semantic] [--threads N]`
// Exit status: 1 when restricted content (from a provider whose terms forbid training on it, or
// under a forged mark) is found, 0 when not, 2 on usage errors. Records: see provenance/scan-records.ts.
import { createReadStream, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { leadingSpan, type DetectionResult, type Span } from '../provenance/detection.js';
import { createProvenance } from '../provenance/provenance.js';
import { emptySummary, tally } from '../provenance/scan-summary.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, modelMissing } from '../provenance/semantic/semantic-provenance.js';
import { detectWithMeaning } from '../provenance/semantic/with-meaning.js';
import { ParagraphSplitter, textOfJsonRecord, type ScanRecord } from '../provenance/scan-records.js';
import { loadOrCreateSigningKeys } from '../signing/keys.js';
import { CliError, command, integer, subcommands, UsageError, type Parsed } from './args.js';
import { runVerifyToken } from './provenance-verify-token.js';

const options = {
  'data-dir': { type: 'string', default: './data' },
  format: { type: 'string', default: 'text' },
  input: { type: 'string' },
  field: { type: 'string', multiple: true, default: [] as string[] },
  'model-dir': { type: 'string' },
  'no-semantic': { type: 'boolean', default: false },
  threads: { type: 'string' },
} as const;

// Records go to the detection threads in batches of this many records or characters, whichever comes
// first: a thread hop costs about what detecting one short record does.
const BATCH_RECORDS = 64;
const BATCH_CHARS = 256 * 1024;
// A scan waits for a thread, and for a batch, as long as a scan on one thread would for its records: there
// is no caller to answer busy.
const BATCH_BUDGET_MS = 2 ** 31 - 1;
// Each thread holds its own heap and readers: more than this costs memory without a core to run on.
const MAX_THREADS = 64;

/**
 * The longest record read, in bytes of the file: a line of gigabytes would be held whole (and a string
 * past V8's limit throws) before any detection. A longer record stops the scan, exit 1: never scanned is
 * never cleared.
 */
export const MAX_RECORD_BYTES = 32 * 2 ** 20;

const tooLong = (file: string, line: number) => new CliError(`${file}:${line}: a record longer than ${MAX_RECORD_BYTES / 2 ** 20} MiB: not scanned`);

/**
 * The file's bytes, stopped with tooLong once a line runs past MAX_RECORD_BYTES. By hand: readline takes
 * no bound, and split2's maxLength rescans the whole line held at every chunk.
 */
async function* boundedLines(file: string): AsyncGenerator<Buffer> {
  let lineBytes = 0;
  let lineNo = 1;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    for (let from = 0; ; ) {
      const nl = chunk.indexOf(10, from);
      if (nl < 0) {
        lineBytes += chunk.length - from;
        break;
      }
      lineNo++;
      lineBytes = 0;
      from = nl + 1;
    }
    if (lineBytes > MAX_RECORD_BYTES) throw tooLong(file, lineNo);
    yield chunk;
  }
}

async function* records(file: string, input: 'text' | 'jsonl', fields: string[]): AsyncGenerator<ScanRecord> {
  const lines = createInterface({ input: Readable.from(boundedLines(file)), crlfDelay: Infinity });
  if (input === 'text') {
    const splitter = new ParagraphSplitter();
    let bytes = 0;
    for await (const line of lines) {
      // A paragraph of many short lines is one record too.
      bytes = line.trim() === '' ? 0 : bytes + Buffer.byteLength(line) + 1;
      if (bytes > MAX_RECORD_BYTES) throw tooLong(file, splitter.startLine());
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
  const threads = values.threads === undefined ? Math.min(availableParallelism(), MAX_THREADS) : integer(values.threads, 'threads', 1, MAX_THREADS);
  // On one thread records are detected here; on more, by the detection pool's threads, each reading the index on disk.
  const detection = threads > 1 ? { inlineChars: 0, threads, budgetMs: BATCH_BUDGET_MS, queueMs: BATCH_BUDGET_MS, queueMax: 2 * threads } : undefined;
  const provenance = await createProvenance({ dataDir, keys: loadOrCreateSigningKeys(dataDir), readOnly: true, detection });
  // Meaning too (semantic/), unless asked not to: a scan that silently skipped it would under-report.
  const modelDir = values['model-dir'] ?? DEFAULT_MODEL_DIR;
  if (!values['no-semantic'] && modelMissing(modelDir)) throw new UsageError(`${modelMissing(modelDir)} (or scan with --no-semantic)`);
  const semantic = values['no-semantic'] ? null : await createSemanticProvenance({ dataDir, modelDir, readOnly: true });
  const summary = emptySummary();
  const out = (s: string) => process.stdout.write(s + '\n');
  // Batches in flight, reported in the order read; at most two per thread, so memory stays bounded.
  const inFlight: Array<{ records: ScanRecord[]; results: Promise<DetectionResult[]> }> = [];
  const report = async ({ records: batch, results }: (typeof inFlight)[number]) => {
    const words = await results;
    for (let i = 0; i < batch.length; i++) {
      const r = semantic ? await detectWithMeaning(words[i], batch[i].text, semantic) : words[i];
      tally(summary, r);
      if (values.format === 'jsonl') out(JSON.stringify({ record: summary.records, line: batch[i].line, ...r }));
      else if (r.origin !== null) describe(file, batch[i].line, r).forEach(out);
    }
  };
  const send = (batch: ScanRecord[]) => {
    const results = provenance.detectAll(batch.map((r) => r.text));
    // Awaited in order by report(); a rejection before then is not unhandled.
    results.catch(() => undefined);
    inFlight.push({ records: batch, results });
  };
  let batch: ScanRecord[] = [];
  let chars = 0;
  try {
    for await (const record of records(file, input, values.field)) {
      batch.push(record);
      chars += record.text.length;
      if (batch.length < BATCH_RECORDS && chars < BATCH_CHARS) continue;
      send(batch);
      batch = [];
      chars = 0;
      if (inFlight.length >= 2 * threads) await report(inFlight.shift()!);
    }
    if (batch.length > 0) send(batch);
    while (inFlight.length > 0) await report(inFlight.shift()!);
  } finally {
    await provenance.close();
    await semantic?.close();
  }
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
    synopsis: 'termsgate provenance scan FILE [--data-dir DIR] [--format text|jsonl] [--input text|jsonl] [--field PATH ...] [--model-dir DIR] [--no-semantic] [--threads N]',
    detail: `  FILE        plain text (one record per blank-line-separated paragraph) or JSONL (one record per line:
              assistant contents of "messages", or the --field paths, e.g. --field choices.0.message.content)
  --input     how to read FILE; default: jsonl for *.jsonl / *.ndjson or when --field is given, else text
  --format    text (default): traced records and a summary; jsonl: one object per record, then a summary line
  --model-dir the sentence-embedding model for tracing by meaning (default .models/all-minilm-l6-v2-q; make setup)
  --no-semantic  marks and word fingerprints only (without it, a missing model is an error)
  --threads   threads detecting records, each reading the index on disk (default: one per core, at most 64); the output
              is the same, in the same order, whatever the number
exit status: 1 when restricted content is found, 0 when not, 2 on usage errors`,
    options,
    positionals: ['FILE'],
    run: ({ values, positionals }) => scan(values, positionals[0]),
  }),
  'verify-token': { synopsis: 'termsgate provenance verify-token TOKEN [--key VKEY] [--evidence FILE | --url URL]', run: (args) => runVerifyToken(args) },
});

export const run = (args: string[]): Promise<number> => cli.run(args);
