// Detection rates of the provenance stage on real text, on two corpora of different register: State
// of the Union passages (formal prose) and SpamAssassin mail bodies (informal, repetitive). Served
// outputs are marked and remembered (a third trainable, two thirds restricted), copied in the ways of
// issue 5 and laundered in the ways of issue 12, then scanned; unrelated texts measure false positives.
// Issue 22: the semantic column (sentence-window embeddings, gateway/provenance/semantic/) for the
// classes words cannot follow, unrelated texts and public passages, with a threshold sweep.
// Run: npx tsx bench/provenance/evaluate.ts [--no-semantic] [--semantic-outputs N] [--semantic-unrelated M]   (writes bench/results/provenance-eval.json)
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalisedWords } from '../../gateway/provenance/fingerprint.js';
import { createProvenance, type DetectionResult } from '../../gateway/provenance/provenance.js';
import { mailCorpus } from './mail-corpus.js';
import { passages, rngFrom, speeches, type Rng } from './sotu-corpus.js';
import { concatenate, homoglyphs, ignorables, promptHistory, transplant } from './laundering.js';
import { editWords, excerpt, nfkcWhitespace, stripInvisible } from './transforms.js';
import { createRequire } from 'node:module';
import { PUBLIC_SOURCES } from '../../gateway/provenance/public-reference.js';
import { paraphrase } from '../../gateway/mock-upstream/paraphrase.js';
import { createSemanticProvenance, DEFAULT_MODEL_DIR, DEFAULT_THRESHOLD } from '../../gateway/provenance/semantic/semantic-provenance.js';
import { bestSimilarity, combinedAt, rateAt, SWEEP } from './semantic-eval.js';
import {
  alphabetPlaces, atbashed, keyboardShifted, camelCase, caesarShift, charCodes, kebabJoined, lettersDoubled, englishWordsBetween, fillers, htmlEntities, hyphenate, inBase32, inBase64, inBinary, inMorse, lettersAllSpaced, lettersDotted, lettersReversed, lettersScrambled, lettersSpaced, lookAlikeDigits, markup, pigLatin, plainBefore, quotedPrintable, reversed, rot13, rot47ed, smallCapitals, spellingAlphabet, stopWordsBetween, substitute, unicodeEscapes, upsideDown, vowelsRemoved, wordOrderReversed, wordsRunTogether,
} from './rewording.js';

interface Corpus {
  name: string;
  served: string[];
  unrelated: string[];
}

function sotuCorpus(rng: Rng): Corpus {
  // About three fifths of the corpus's ~400 passages of 100–300 words; the rest of the addresses are unrelated.
  const SERVED = 250;
  const all = speeches();
  const order = all.map((_, i) => i).sort(() => rng() - 0.5);
  const served: string[] = [];
  const unrelated: string[] = [];
  for (const i of order) {
    if (served.length < SERVED) served.push(...passages(all[i].text, rng, 100, 300).slice(0, SERVED - served.length));
    else unrelated.push(...passages(all[i].text, rng, 30, 130));
  }
  return { name: 'State of the Union (gateway/mock-upstream/corpus/sotu.json)', served, unrelated };
}

interface Row {
  copy: string;
  /** Texts of the output's own words: an excerpt that lies wholly in the public passage an output quotes is counted apart. */
  texts: number;
  traced: number;
  rate: number;
  via_watermark: number;
  via_fingerprint: number;
  wrong_record: number;
  /** Excerpts wholly within the quoted public passage, and how many of them were reported as public text. */
  public_excerpts: number;
  reported_public: number;
}

interface LaunderingRow {
  attempt: string;
  texts: number;
  /** Restricted, with a restricted span naming the laundered output's decision. */
  caught: number;
  rate: number;
}

/** The addresses and mails quote one another: a text sharing a verbatim run of COPY_RUN words with a served output is a copy. */
const COPY_RUN = 12;

const licenceTexts = createRequire(import.meta.url)('spdx-license-list/full') as Record<string, { licenseText: string }>;

/** A passage of 40–120 words of a public licence text: what an output quotes. */
function publicPassage(rng: Rng): string {
  const words = licenceTexts[PUBLIC_SOURCES[Math.floor(rng() * PUBLIC_SOURCES.length)]].licenseText.split(/\s+/).filter(Boolean);
  const n = Math.min(words.length, 40 + Math.floor(rng() * 81));
  const at = Math.floor(rng() * (words.length - n + 1));
  return words.slice(at, at + n).join(' ');
}

async function evaluate(corpus: Corpus, seed: number) {
  const rng = rngFrom(seed);
  const shuffles = rngFrom(seed + 1);
  const layered = rngFrom(seed + 2);
  // Unrelated texts in turn, 400 words or more of them, put before a disguised output.
  let nextUnrelated = 0;
  const preamble = () => {
    const texts: string[] = [];
    for (let words = 0; words < 400; nextUnrelated++) {
      const t = corpus.unrelated[nextUnrelated % corpus.unrelated.length];
      texts.push(t);
      words += t.split(/\s+/).length;
    }
    return texts.join('\n\n');
  };
  // Issue 22: every fifth output quotes a public licence passage after its own text.
  const quoted = corpus.served.map((_, i) => (i % 5 === 4 ? publicPassage(rng) : null));
  corpus = { ...corpus, served: corpus.served.map((text, i) => (quoted[i] === null ? text : `${text}\n\n${quoted[i]}`)) };
  const vocabulary = [...new Set(corpus.unrelated.slice(0, 500).join(' ').split(/\s+/))];
  const dataDir = mkdtempSync(join(tmpdir(), 'termsgate-prov-eval-'));
  const provenance = await createProvenance({ dataDir, keys: { keyId: randomBytes(8).toString('hex'), macSecret: randomBytes(32) } });
  // Threshold -1: every window's nearest restricted neighbour comes back, and rates are read at each threshold below.
  let semanticOutputs = 0;
  const semantic = SEMANTIC ? await createSemanticProvenance({ dataDir, modelDir: DEFAULT_MODEL_DIR, threshold: -1, threads: 2 }) : null;
  const outputs = corpus.served.map((text, i) => {
    const decisionId = randomUUID();
    const trainable = i % 3 === 0;
    const marked = provenance.marker({ decisionId, licenceClass: trainable ? 'yes' : 'not-for-competing-models', trainable }).markText(text);
    provenance.remember({ decisionId, text: marked, licence: trainable ? 'apache-2.0' : 'openai-terms', trainable, time: new Date().toISOString() });
    if (!trainable && semanticOutputs++ < SEMANTIC_OUTPUTS) semantic?.remember({ decisionId, text: marked, licence: 'openai-terms', trainable });
    return { decisionId, marked, trainable };
  });
  await provenance.flush();
  const indexStarted = performance.now();
  await semantic?.flush();
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  const permitted = outputs.filter((o) => o.trainable);
  const restricted = outputs.filter((o) => !o.trainable);

  function row(copy: string, make: (marked: string) => string): Row {
    const r: Row = { copy, texts: 0, traced: 0, rate: 0, via_watermark: 0, via_fingerprint: 0, wrong_record: 0, public_excerpts: 0, reported_public: 0 };
    outputs.forEach((o, i) => {
      const text = make(o.marked);
      const d: DetectionResult = provenance.detect(text);
      if (quoted[i] !== null && quoted[i]!.includes(stripInvisible(text).trim())) {
        // Not the output's words but the public text it quotes: to be reported as public, not traced to it.
        r.public_excerpts++;
        if (d.spans.some((s) => s.origin === 'public')) r.reported_public++;
        return;
      }
      r.texts++;
      // Traced: a genuine span names the decision (a passage can also quote another served passage).
      const own = d.spans.find((s) => s.decision_id === o.decisionId && s.status === 'genuine');
      if (own) {
        r.traced++;
        if (own.origin === 'fingerprint') r.via_fingerprint++;
        else r.via_watermark++;
      } else if (d.origin !== null) {
        r.wrong_record++;
      }
    });
    r.rate = r.traced / r.texts;
    return r;
  }

  /** Each class's laundered texts and whether words caught each, for the semantic pass. */
  const made = new Map<string, { texts: string[]; caught: boolean[] }>();
  function laundering(attempt: string, make: (restrictedMarked: string, permittedMarked: string) => string): LaunderingRow {
    const r: LaunderingRow = { attempt, texts: restricted.length, caught: 0, rate: 0 };
    const kept = { texts: [] as string[], caught: [] as boolean[] };
    made.set(attempt, kept);
    restricted.forEach((o, i) => {
      const text = make(o.marked, permitted[i % permitted.length].marked);
      const d = provenance.detect(text);
      const caught = d.restricted && d.spans.some((s) => s.restricted && s.decision_id === o.decisionId);
      if (caught) r.caught++;
      kept.texts.push(text);
      kept.caught.push(caught);
    });
    r.rate = r.caught / r.texts;
    return r;
  }

  const started = performance.now();
  const rows: Row[] = [
    row('exact copy', (t) => t),
    row('invisible characters stripped', stripInvisible),
    row('NFKC + whitespace normalised', nfkcWhitespace),
    row('30% excerpt', (t) => excerpt(t, 0.3, rng)),
    row('30% excerpt, stripped', (t) => stripInvisible(excerpt(t, 0.3, rng))),
    row('10% of words substituted or deleted', (t) => editWords(t, 0.1, vocabulary, rng)),
    row('10% edited, stripped', (t) => stripInvisible(editWords(t, 0.1, vocabulary, rng))),
  ];
  const launderingRows: LaunderingRow[] = [
    laundering('transplant: a permitted output\'s mark in stripped restricted text', (r, p) => transplant(r, p, rng)),
    laundering('concatenation: stripped restricted text, then a permitted output', concatenate),
    laundering('homoglyphs in half the words, stripped', (r) => homoglyphs(r, rng)),
    laundering('ignorable code points inside half the words, stripped', (r) => ignorables(r, rng)),
    laundering('prompt-history smuggling: an assistant turn of a permitted record', promptHistory),
    // Issue 22: cheap rewordings.
    laundering('25% of words substituted', (r) => substitute(r, 0.25, vocabulary, rng)),
    laundering('40% of words substituted', (r) => substitute(r, 0.4, vocabulary, rng)),
    laundering('40% of words substituted or deleted', (r) => stripInvisible(editWords(r, 0.4, vocabulary, rng))),
    laundering('a filler word every 3 words', (r) => fillers(r, 3, rng)),
    laundering('a filler word every 2 words', (r) => fillers(r, 2, rng)),
    laundering('markup and line breaks between words', (r) => markup(r, rng)),
    laundering('hyphenation inside words', (r) => hyphenate(r, rng)),
    laundering('camelCase joins', (r) => camelCase(r, rng)),
    laundering('look-alike digits in half the words', (r) => lookAlikeDigits(r, rng)),
    laundering('ROT13', rot13),
    laundering('Caesar cipher, random shift', (r) => caesarShift(r, rng)),
    laundering('whole text reversed', reversed),
    laundering('each word\'s letters reversed', lettersReversed),
    laundering('word order reversed', wordOrderReversed),
    // The next ones (2026-12-06): ciphers, letters disguised, the text encoded.
    laundering('Atbash', atbashed),
    laundering('ROT47', rot47ed),
    laundering('small capitals', smallCapitals),
    laundering('turned upside down', upsideDown),
    laundering('letters spaced apart', lettersSpaced),
    laundering('letters dotted apart', lettersDotted),
    laundering('HTML numeric entities', htmlEntities),
    laundering('\\u escapes written out', unicodeEscapes),
    laundering('binary', inBinary),
    laundering('base32', inBase32),
    laundering('base64', inBase64),
    laundering('quoted-printable', quotedPrintable),
    laundering('Morse', inMorse),
    // Word games (2026-12-06).
    laundering('pig Latin', pigLatin),
    laundering('vowels left out', vowelsRemoved),
    // Its own draws, so the rows and passages drawn after it are those of earlier runs.
    laundering('letters shuffled inside words', (r) => lettersScrambled(r, shuffles)),
    laundering('words run together', wordsRunTogether),
    laundering('every letter one space apart, words too', lettersAllSpaced),
    // Two disguises, one over the other, and plain text around one (2026-12-06): their own draws too.
    laundering('small capitals after ROT13', (r) => smallCapitals(rot13(r))),
    laundering('turned upside down after Atbash', (r) => upsideDown(atbashed(r))),
    laundering('pig Latin, then ROT47', (r) => rot47ed(pigLatin(r))),
    laundering('letters dotted apart, then ROT47', (r) => rot47ed(lettersDotted(r))),
    laundering('words run together, then reversed', (r) => reversed(wordsRunTogether(r))),
    laundering('camelCase joins, then ROT13', (r) => rot13(camelCase(r, layered))),
    laundering('base64, then ROT13', (r) => rot13(inBase64(r))),
    laundering('base64, then reversed', (r) => reversed(inBase64(r))),
    laundering('ROT13 with a stop word after every word', stopWordsBetween),
    laundering('ROT13 with three English words after every word', englishWordsBetween),
    laundering('400 words of unrelated text, then ROT13', (r) => plainBefore(rot13(r), preamble())),
    laundering('400 words of unrelated text, then pig Latin', (r) => plainBefore(pigLatin(r), preamble())),
    // An encoding put through ROT47 or reversed, and pig Latin over a cipher (2026-12-06, the second session): no draws.
    laundering('HTML entities, then ROT47', (r) => rot47ed(htmlEntities(r))),
    laundering('base64, then ROT47', (r) => rot47ed(inBase64(r))),
    laundering('HTML entities, then reversed', (r) => reversed(htmlEntities(r))),
    laundering('ROT13, then pig Latin', (r) => pigLatin(rot13(r))),
    laundering('Atbash, then pig Latin', (r) => pigLatin(atbashed(r))),
    laundering('the whole text reversed, then pig Latin', (r) => pigLatin(reversed(r))),
    // Words joined by hyphens and letters written twice, alone and under ROT13 (2026-12-07): no draws.
    laundering('words joined by hyphens', kebabJoined),
    laundering('every letter written twice', lettersDoubled),
    laundering('words joined by hyphens, then ROT13', (r) => rot13(kebabJoined(r))),
    laundering('every letter written twice, then ROT13', (r) => rot13(lettersDoubled(r))),
    laundering('decimal character codes', (r) => charCodes(r, 10)),
    laundering('hex character codes', (r) => charCodes(r, 16)),
    laundering('octal character codes', (r) => charCodes(r, 8)),
    laundering('letters as their places in the alphabet (A1Z26)', alphabetPlaces),
    laundering('letters spelt in the ICAO alphabet', spellingAlphabet),
    laundering('each key typed one to the right on a QWERTY keyboard', (r) => keyboardShifted(r, 'right')),
    laundering('each key typed one to the left on a QWERTY keyboard', (r) => keyboardShifted(r, 'left')),
    laundering('paraphrase by the mock teacher (WordNet synonyms, clauses reordered)', (r) => paraphrase(stripInvisible(r))),
  ];
  const runs = new Set<string>();
  for (const s of corpus.served) {
    const w = normalisedWords(s);
    for (let i = 0; i + COPY_RUN <= w.length; i++) runs.add(w.slice(i, i + COPY_RUN).join(' '));
  }
  const sharesRun = (text: string) => {
    const w = normalisedWords(text);
    for (let i = 0; i + COPY_RUN <= w.length; i++) if (runs.has(w.slice(i, i + COPY_RUN).join(' '))) return true;
    return false;
  };
  let falsePositives = 0;
  let flaggedQuoting = 0;
  let quoting = 0;
  const independentTexts: string[] = [];
  for (const text of corpus.unrelated) {
    const flagged = provenance.detect(text).origin !== null;
    if (sharesRun(text)) {
      quoting++;
      if (flagged) flaggedQuoting++;
    } else {
      independentTexts.push(text);
      if (flagged) falsePositives++;
    }
  }
  // Public passages (licence texts) scanned alone: attributed to a served output they are false positives.
  const PUBLIC_PASSAGES = 600;
  const publicTexts = Array.from({ length: PUBLIC_PASSAGES }, () => publicPassage(rng));
  const publicFlagged = publicTexts.filter((text) => provenance.detect(text).origin !== null).length;
  const scanSeconds = (performance.now() - started) / 1000;
  const semanticResult = semantic ? await semanticPass(semantic, made, restricted, independentTexts, publicTexts, indexSeconds) : null;
  await semantic?.close();
  await provenance.close();
  rmSync(dataDir, { recursive: true, force: true });
  const independent = corpus.unrelated.length - quoting;
  const caught = launderingRows.reduce((n, r) => n + r.caught, 0);
  const attempts = launderingRows.reduce((n, r) => n + r.texts, 0);
  return {
    corpus: corpus.name,
    served: outputs.length,
    unrelated: independent,
    rows,
    laundering: launderingRows,
    laundering_caught_rate: caught / attempts,
    false_positives: falsePositives,
    false_positive_rate: falsePositives / independent,
    quoting_passages: { count: quoting, copy_run_words: COPY_RUN, flagged: flaggedQuoting },
    public_passages: { count: PUBLIC_PASSAGES, attributed_to_an_output: publicFlagged, rate: publicFlagged / PUBLIC_PASSAGES },
    flagged_rate_all_passages: (falsePositives + flaggedQuoting) / corpus.unrelated.length,
    scan_seconds: scanSeconds,
    semantic: semanticResult,
  };
}

const SEMANTIC = !process.argv.includes('--no-semantic');
/** On a loaded machine embedding is slow: `--semantic-outputs N` indexes (and launders) the first N restricted outputs of each corpus by meaning, `--semantic-unrelated M` checks the first M unrelated texts. */
const argument = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : Infinity);
const SEMANTIC_OUTPUTS = argument('--semantic-outputs');
const SEMANTIC_UNRELATED = argument('--semantic-unrelated');
/** The classes word fingerprints follow least; the others are caught ≥ 98.6 % by words alone (README). */
const SEMANTIC_CLASSES = ['40% of words substituted', '40% of words substituted or deleted', 'paraphrase by the mock teacher (WordNet synonyms, clauses reordered)'];

async function semanticPass(semantic: NonNullable<Awaited<ReturnType<typeof createSemanticProvenance>>>, made: Map<string, { texts: string[]; caught: boolean[] }>, restricted: { decisionId: string }[], unrelated: string[], publicTexts: string[], indexSeconds: number) {
  const started = performance.now();
  const classes: { attempt: string; texts: number; words: number; semantic: number; combined: number; scores: number[]; wordsCaught: boolean[] }[] = [];
  for (const attempt of SEMANTIC_CLASSES) {
    const kept = made.get(attempt)!;
    const scores: number[] = [];
    for (let i = 0; i < Math.min(kept.texts.length, SEMANTIC_OUTPUTS); i++) scores.push(await bestSimilarity(semantic, kept.texts[i], restricted[i].decisionId));
    const wordsCaught = kept.caught.slice(0, scores.length);
    classes.push({ attempt, texts: scores.length, words: wordsCaught.filter(Boolean).length / scores.length, semantic: rateAt(scores, DEFAULT_THRESHOLD), combined: combinedAt(wordsCaught, scores, DEFAULT_THRESHOLD), scores, wordsCaught });
  }
  const unrelatedScores: number[] = [];
  for (const text of unrelated.slice(0, SEMANTIC_UNRELATED)) unrelatedScores.push(await bestSimilarity(semantic, text, null));
  const publicScores: number[] = [];
  for (const text of publicTexts) publicScores.push(await bestSimilarity(semantic, text, null));
  const checkSeconds = (performance.now() - started) / 1000;
  const checkedKb = [...classes.flatMap((c) => made.get(c.attempt)!.texts.slice(0, c.texts)), ...unrelated.slice(0, unrelatedScores.length), ...publicTexts].reduce((n, t) => n + Buffer.byteLength(t), 0) / 1024;
  return {
    threshold: DEFAULT_THRESHOLD,
    restricted_outputs: semantic.size.outputs,
    windows: semantic.size.windows,
    index_seconds: indexSeconds,
    indexed_outputs_per_s: semantic.size.outputs / indexSeconds,
    check_ms_per_kb: (checkSeconds * 1000) / checkedKb,
    classes: classes.map(({ scores, wordsCaught, ...c }) => c),
    unrelated: { texts: unrelatedScores.length, flagged: rateAt(unrelatedScores, DEFAULT_THRESHOLD) },
    public_passages: { texts: publicTexts.length, flagged: rateAt(publicScores, DEFAULT_THRESHOLD) },
    sweep: SWEEP.map((t) => ({
      threshold: t,
      unrelated_flagged: rateAt(unrelatedScores, t),
      public_flagged: rateAt(publicScores, t),
      ...Object.fromEntries(classes.map((c) => [c.attempt, { semantic: rateAt(c.scores, t), combined: combinedAt(c.wordsCaught, c.scores, t) }])),
    })),
  };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const results = [];
for (const [corpus, seed] of [
  [sotuCorpus(rngFrom(20261128)), 20261128],
  [mailCorpus(rngFrom(20261201)), 20261201],
] as const) {
  const r = await evaluate(corpus, seed);
  results.push(r);
  const lines = [
    `## ${r.corpus}: ${r.served} served outputs, ${r.unrelated + r.quoting_passages.count} unrelated texts`,
    '',
    '| copy | texts | traced to its decision | rate | via watermark | via fingerprint | wrong record | of the quoted licence alone (reported public) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.rows.map((x) => `| ${x.copy} | ${x.texts} | ${x.traced} | ${pct(x.rate)} | ${x.via_watermark} | ${x.via_fingerprint} | ${x.wrong_record} | ${x.public_excerpts} (${x.reported_public}) |`),
    `| unrelated texts (false positives) | ${r.unrelated} | ${r.false_positives} | ${pct(r.false_positive_rate)} | | | | |`,
    `| public licence passages (attributed to an output) | ${r.public_passages.count} | ${r.public_passages.attributed_to_an_output} | ${pct(r.public_passages.rate)} | | | | |`,
    '',
    '| laundering attempt (restricted outputs) | texts | caught | rate |',
    '|---|---:|---:|---:|',
    ...r.laundering.map((x) => `| ${x.attempt} | ${x.texts} | ${x.caught} | ${pct(x.rate)} |`),
    `| all attempts | ${r.laundering.reduce((n, x) => n + x.texts, 0)} | ${r.laundering.reduce((n, x) => n + x.caught, 0)} | ${pct(r.laundering_caught_rate)} |`,
    '',
    ...(r.semantic
      ? [
          `Semantic (threshold ${r.semantic.threshold}; ${r.semantic.restricted_outputs} restricted outputs, ${r.semantic.windows} windows, indexed at ${r.semantic.indexed_outputs_per_s.toFixed(1)} outputs/s; checking ${r.semantic.check_ms_per_kb.toFixed(1)} ms per KB):`,
          '',
          '| class | texts | words | meaning | words or meaning |',
          '|---|---:|---:|---:|---:|',
          ...r.semantic.classes.map((c) => `| ${c.attempt} | ${c.texts} | ${pct(c.words)} | ${pct(c.semantic)} | ${pct(c.combined)} |`),
          `| unrelated texts flagged | ${r.semantic.unrelated.texts} | | ${pct(r.semantic.unrelated.flagged)} | |`,
          `| public licence passages flagged | ${r.semantic.public_passages.texts} | | ${pct(r.semantic.public_passages.flagged)} | |`,
          '',
          '| threshold | unrelated flagged | public flagged | ' + r.semantic.classes.map((c) => `${c.attempt.slice(0, 28)} (words or meaning)`).join(' | ') + ' |',
          '|---:|---:|---:|' + r.semantic.classes.map(() => '---:').join('|') + '|',
          ...r.semantic.sweep.map((w) => `| ${w.threshold.toFixed(2)} | ${pct(w.unrelated_flagged)} | ${pct(w.public_flagged)} | ` + r.semantic!.classes.map((c) => pct((w[c.attempt as keyof typeof w] as unknown as { combined: number }).combined)).join(' | ') + ' |'),
          '',
        ]
      : []),
    `Left out of the false-positive count: ${r.quoting_passages.count} texts sharing a verbatim run of ${COPY_RUN}+ words with a served output; ${r.quoting_passages.flagged} of them were traced. Scan time ${r.scan_seconds.toFixed(0)} s.`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/provenance-eval.json', import.meta.url), JSON.stringify({ corpora: results }, null, 2) + '\n');
