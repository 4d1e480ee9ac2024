// Cheap rewordings of a restricted output (issue 22, #5), tried through the real gateway (a
// training-data call carrying the reworded text is refused, naming the origin decision), the built
// scan CLI (the reworded text scans as restricted) and the detection route the runner's verify asks
// (the same rules: before, the CLI and the route read neither base64 nor any other encoding).
import t from 'tap';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { startDemoGateway } from './support/demo-gateway.js';
import { SELECTOR, postAs } from './support/gateway-calls.js';
import { indexed } from './support/until.js';
import { rngFrom } from '../gateway/mock-upstream/rng.js';
import {
  alphabetPlaces, atbashed, keyboardShifted, camelCase, caesarShift, charCodes, kebabJoined, lettersDoubled, englishWordsBetween, fillers, htmlEntities, hyphenate, inBase32, inBase64, inBinary, inMorse, lettersAllSpaced, lettersDotted, lettersReversed, lettersScrambled, lettersSpaced, lookAlikeDigits, markup, pigLatin, plainBefore, quotedPrintable, reversed, rot13, rot47ed, smallCapitals, spellingAlphabet, stopWordsBetween, substitute, unicodeEscapes, upsideDown, vowelsRemoved, wordOrderReversed, wordsRunTogether,
} from '../bench/provenance/rewording.js';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist', 'gateway', 'cli', 'main.js');
const run = promisify(execFile);

const gw = await startDemoGateway();
t.teardown(() => gw.close());

const post = (body: unknown, headers: Record<string, string> = {}) => postAs(gw, '/v1/chat/completions', body, headers);

const restricted = await post({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Write at length about the history of lighthouses and their keepers.' }] });
const text = (restricted.body.choices[0].message.content as string).replace(SELECTOR, '');
await indexed(gw, [{ id: restricted.id, text }]);

// Plain words of the test's own, put around a disguised output: 79 words, six times over more than 400.
const PLAIN = 'Our team meets on Monday mornings to plan the week. We look at what was finished, what is still open and what should wait, and we write it all down in the shared notes so that anyone who was away can catch up. After that we pick one problem that nobody has had time for and spend an hour on it together. It is usually something small, a slow page or a confusing form, but fixing it makes the rest of the week easier.';
const rng = rngFrom(22);
const vocabulary = 'river stone market ledger winter orchard candle harbour pigeon copper meadow thread lantern violin'.split(' ');
const rewordings: Record<string, string> = {
  '25% of words substituted': substitute(text, 0.25, vocabulary, rng),
  '40% of words substituted': substitute(text, 0.4, vocabulary, rng),
  'a filler word every 3 words': fillers(text, 3, rng),
  'markup and line breaks between words': markup(text, rng),
  'hyphenation inside words': hyphenate(text, rng),
  'camelCase joins': camelCase(text, rng),
  'look-alike digits': lookAlikeDigits(text, rng),
  ROT13: rot13(text),
  'a Caesar cipher': caesarShift(text, rng),
  'the whole text reversed': reversed(text),
  "each word's letters reversed": lettersReversed(text),
  'word order reversed': wordOrderReversed(text),
  Atbash: atbashed(text),
  ROT47: rot47ed(text),
  'Atbash, then the whole text reversed': reversed(atbashed(text)),
  'small capitals': smallCapitals(text),
  'turned upside down': upsideDown(text),
  'letters spaced apart': lettersSpaced(text),
  'letters dotted apart': lettersDotted(text),
  'HTML numeric entities': htmlEntities(text),
  '\\u escapes written out': unicodeEscapes(text),
  binary: inBinary(text),
  base32: inBase32(text),
  base64: inBase64(text),
  'quoted-printable': quotedPrintable(text),
  Morse: inMorse(text),
  'HTML entities inside base64': inBase64(htmlEntities(text)),
  'pig Latin': pigLatin(text),
  'vowels left out': vowelsRemoved(text),
  'letters shuffled inside words': lettersScrambled(text, rngFrom(23)),
  'words run together': wordsRunTogether(text),
  'every letter one space apart, words too': lettersAllSpaced(text),
  'pig Latin, then ROT13': rot13(pigLatin(text)),
  'vowels left out, then a Caesar cipher': caesarShift(vowelsRemoved(text), rng),
  'letters shuffled inside words, then Atbash': atbashed(lettersScrambled(text, rngFrom(24))),
  'words run together, then ROT13': rot13(wordsRunTogether(text)),
  // Two disguises one over the other, plain words around one (2026-12-06).
  'small capitals after ROT13': smallCapitals(rot13(text)),
  'pig Latin, then ROT47': rot47ed(pigLatin(text)),
  'letters dotted apart, then ROT47': rot47ed(lettersDotted(text)),
  'words run together, then reversed': reversed(wordsRunTogether(text)),
  'camelCase joins, then ROT13': rot13(camelCase(text, rngFrom(25))),
  'base64, then ROT13': rot13(inBase64(text)),
  'base64, then reversed': reversed(inBase64(text)),
  'ROT13 with a stop word after every word': stopWordsBetween(text),
  'ROT13 with three English words after every word': englishWordsBetween(text),
  '400 words of plain text, then ROT13': plainBefore(rot13(text), Array.from({ length: 6 }, () => PLAIN).join(' ')),
  '400 words of plain text, then pig Latin, then plain text again': `${plainBefore(pigLatin(text), Array.from({ length: 6 }, () => PLAIN).join(' '))}\n\n${PLAIN}`,
  // An encoding put through ROT47 or reversed after encoding, and pig Latin over a cipher (2026-12-06, the second session).
  'HTML entities, then ROT47': rot47ed(htmlEntities(text)),
  'base64, then ROT47': rot47ed(inBase64(text)),
  'HTML entities, then reversed': reversed(htmlEntities(text)),
  '\\u escapes, then reversed': reversed(unicodeEscapes(text)),
  'ROT13, then pig Latin': pigLatin(rot13(text)),
  'Atbash, then pig Latin': pigLatin(atbashed(text)),
  'the whole text reversed, then pig Latin': pigLatin(reversed(text)),
  // Words joined by hyphens as a slug is, every letter written twice (2026-12-07).
  'words joined by hyphens': kebabJoined(text),
  'every letter written twice': lettersDoubled(text),
  'every letter written twice, then ROT13': rot13(lettersDoubled(text)),
  'words joined by hyphens, 400 words of plain text before': plainBefore(kebabJoined(text), Array.from({ length: 6 }, () => PLAIN).join(' ')),
  'decimal character codes': charCodes(text, 10),
  'hex character codes': charCodes(text, 16),
  'octal character codes, 400 words of plain text before': plainBefore(charCodes(text, 8), Array.from({ length: 6 }, () => PLAIN).join(' ')),
  'letters as their places in the alphabet': alphabetPlaces(text),
  'letters spelt in the ICAO alphabet': spellingAlphabet(text),
  'each key typed one to the right on a keyboard': keyboardShifted(text, 'right'),
  'each key typed one to the left on a keyboard, 400 words of plain text before': plainBefore(keyboardShifted(text, 'left'), Array.from({ length: 6 }, () => PLAIN).join(' ')),
};

t.test('a training-data call carrying a reworded restricted output is refused, naming its decision', async (t) => {
  for (const [name, reworded] of Object.entries(rewordings)) {
    const r = await post({ model: 'qwen2.5-7b-instruct', messages: [{ role: 'user', content: 'Tidy this up.' }, { role: 'assistant', content: reworded }, { role: 'user', content: 'Thanks.' }] }, { 'x-termsgate-purpose': 'training-data' });
    t.equal(r.status, 403, name);
    t.match(r.body.error?.message, restricted.id, `${name}: names the origin decision`);
  }
});

t.test('the built scan CLI finds every rewording restricted', async (t) => {
  const file = join(gw.dataDir, 'reworded.jsonl');
  const names = Object.keys(rewordings);
  writeFileSync(file, names.map((n) => JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: rewordings[n] }] })).join('\n') + '\n');
  const out = await run(process.execPath, [cli, 'provenance', 'scan', file, '--data-dir', gw.dataDir, '--format', 'jsonl']).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  t.equal(out.code, 1, 'restricted content found');
  const results = out.stdout.trim().split('\n').map((l) => JSON.parse(l)).slice(0, -1);
  names.forEach((name, i) => t.match(results[i], { restricted: true, decision_id: restricted.id }, name));
});

t.test("the detection route the runner's verify asks traces every rewording to its decision", async (t) => {
  for (const [name, reworded] of Object.entries(rewordings)) {
    const res = await fetch(`${gw.url}/admin/v1/provenance/detect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: `Tidy this up.\n\n${reworded}` }),
    });
    const [result] = ((await res.json()) as { results: Array<{ restricted: boolean; decision_id: string; spans: Array<{ start: number; end: number; decision_id: string | null }> }> }).results;
    t.match(result, { restricted: true, decision_id: restricted.id }, name);
    const own = result.spans.find((s) => s.decision_id === restricted.id);
    // A span may reach a word or two before the text its claim stands on (its stretch), never past the text.
    const prefix = 'Tidy this up.\n\n'.length;
    t.ok(own && own.end > prefix && own.end <= prefix + reworded.length, `${name}: the span ends in the reworded text`);
  }
});
