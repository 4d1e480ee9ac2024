// The prefilters skip work, never findings: findings() (candidate starts, patterns tried only there)
// finds exactly what the one combined alternation of every detector finds (a prefixed key read inside a
// match refused), and a spaced run skipped for lacking a fixed prefix has no prefixed finding. Random texts
// are seeded with the pieces secrets and personal data are made of, so that the detectors do fire.
import t from 'tap';
import fc from 'fast-check';
import { findings, groups, type Finding } from './classify.js';
import { combined, detectors, gluedDetectors, gluedLooksRandom, gluedPatterns } from './detectors.js';
import { keywordPass } from './keyword-pass.js';
import { firstSpreadPrefix, PREFIXED, PREFIXED_START, SPREAD_PREFIX, spacedRuns, spacedRunsNearPrefixes } from './spelt-keys.js';

/**
 * The oracle: the combined alternation at every position, as findings() was written before its prefilters,
 * then keys glued to the word before them (detectors.ts gluedDetectors) tried at every position (findings()
 * tries them at its keyword pass's fixed starts only) outside every finding.
 */
function unfiltered(text: string): Finding[] {
  const found = combinedFindings(text);
  let out = [...found];
  let from = 0;
  for (let p = 1; p < text.length; p++) {
    if (p < from || !/[A-Za-z0-9]/.test(text[p - 1]) || (/[ntr]/.test(text[p - 1]) && text[p - 2] === '\\')) continue;
    if (found.some((f) => f.start <= p && p < f.end)) continue;
    for (const [g, i] of gluedDetectors.entries()) {
      const d = detectors[i];
      const m = new RegExp(gluedPatterns[g], 'y');
      m.lastIndex = p;
      const hit = m.exec(text);
      if (hit === null) continue;
      // An AWS id (capitals and digits) glued at both ends runs to the end of its run.
      const end = /[a-z]/.test(hit[0]) ? p + hit[0].length : p + hit[0].length + /^[A-Z0-9]*/.exec(text.slice(p + hit[0].length))![0].length;
      // A finding it would cut in two keeps it out; those inside it go.
      const cut = found.some((f) => f.start < end && end < f.end);
      if (!cut && gluedLooksRandom(hit[0], text.charAt(p + hit[0].length)) && (!d.accept || d.accept(hit[0], text, p))) {
        out = out.filter((f) => !(p <= f.start && f.end <= end));
        out.push({ dataClass: d.dataClass, kind: d.name, start: p, end });
        from = end;
      }
      break;
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// The combined alternation, and that of the prefixed formats alone (the first group's), which are read
// inside a match refused.
const everyDetector = new RegExp(combined.source, 'y');
const prefixedOnly = new RegExp(groups[0].members.map((i) => `(?<d${i}>${detectors[i].pattern})`).join('|'), 'y');

/** The combined alternation at each position; past a match refused, to its end, the prefixed formats' alone. */
function combinedFindings(text: string): Finding[] {
  const out: Finding[] = [];
  let passed = 0;
  for (let p = 0; p < text.length; ) {
    const re = p < passed ? prefixedOnly : everyDetector;
    re.lastIndex = p;
    const m = re.exec(text);
    if (m === null) {
      p++;
      continue;
    }
    const [name, hit] = Object.entries(m.groups!).find(([, v]) => v !== undefined)!;
    const d = detectors[Number(name.slice(1))];
    const accepted = !d.accept || d.accept(hit, text, p);
    if (accepted) out.push({ dataClass: d.dataClass, kind: d.name, start: p, end: p + hit.length });
    passed = Math.max(passed, p + hit.length);
    p = accepted ? Math.max(p + hit.length, p + 1) : p + 1;
  }
  return out;
}

const samples = [
  'AKIAIOSFODNN7EXAMPLE', 'ASIA', 'A3T', 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW', 'sk-', 'sk-ant-api03-', 'sk-proj-', 'sk_live_', 'rk_test_',
  'ghp_', 'github_pat_', 'glpat-', 'hf_', 'npm_', 'SG.', 'xoxb-', 'https://hooks.slack.com/services/T0/B0/x', 'eyJhbGciOiJIUzI1NiJ9',
  '.eyJzdWIiOiIxIn0.', 'Bearer ', 'bearer\t', '-----BEGIN RSA PRIVATE KEY-----\n', '-----END RSA PRIVATE KEY-----', '-----begin private key-----',
  'PuTTY-User-Key-File-2: ssh-rsa\n', 'Private-MAC: 0a1b', 'password=', 'api_key: "', 'token => ', 'secret:', 'PWD=', "'auth' = '", 'credentials:',
  'x9Kq2LmP8rT4vWz1', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'jane.doe+work@example.co.uk', '@', 'a@b.co', '4111 1111 1111 1111',
  '5500-0000-0000-0004', '378282246310005', '123-45-6789', 'AB 12 34 56 C', 'JG103759A', '2345 6789 0124', '+1 415-555-2671', '(020) 7946 0958',
  '[at]', ' (AT) ', '{ at }', ' @ ', 'jane @', '[dot]', 'jane [at] example [dot] com', 'bob @ example.com', 'x.y(at)mail.org', '+447700900123', '555.123.4567', '4111.1111.1111.1111', '4111/1111/1111/1111', '123 45 6789', '123.45.6789', '030/1234567', '12345678Z', 'X1234567L', 'Y-1234567-X', 'RSSMRA85T10A562S', '756.1234.5678.97', '1850578006084', '12345678+', '111222333', '01010112345', '123456789012', 'four ', 'one ', 'oh, ', 'Nine-', '-', '--', '_', '.', ':', '=', '=>', '"', "'", ' ', '  ', '\n', '\\n', '/', '+', '(', ')', '0', '7', 'Ab', 'zz', 'é', '\u00a0', 'AB1', 'ABC 1', 'QQ 12', 'Z+1', '((1',
];
const texture = fc.oneof(fc.constantFrom(...samples), fc.string({ maxLength: 6 }), fc.stringMatching(/^[A-Za-z0-9/+=_-]{1,45}$/), fc.stringMatching(/^[0-9 .()+-]{1,20}$/));
const texts = fc.array(texture, { maxLength: 24 }).map((parts) => parts.join(''));

t.test('findings() finds exactly what the unfiltered combined alternation finds', async (t) => {
  const kinds = new Set<string>();
  fc.assert(
    fc.property(texts, (text) => {
      const expected = unfiltered(text);
      for (const f of expected) kinds.add(f.kind);
      t.same(findings(text), expected);
    }),
    { numRuns: 3000 },
  );
  // The seeds do make the detectors fire: most kinds are met.
  t.ok(kinds.size >= 15, `kinds found in the random texts: ${[...kinds].sort().join(', ')}`);
  // Long runs around the 40-character boundary of the stand-alone base64 detector, candidates after a consumed
  // match, and prefixed keys inside a run refused.
  for (const n of [38, 39, 40, 41, 80]) {
    for (const text of ['\\nAIza' + 'A'.repeat(n - 5), `+AIza${'Ab'.repeat(n)}`, 'A'.repeat(n), `x ${'aB3+'.repeat(n).slice(0, n)} y`, `=${'Zq9/'.repeat(n).slice(0, n)}=`, `sk-${'Ab1'.repeat(n)} ${'Kz8+'.repeat(10)}`]) {
      t.same(findings(text), unfiltered(text));
    }
  }
});

t.test('a joined-up spaced run without a fixed prefix has no prefixed finding', async (t) => {
  const spacedText = fc.array(fc.oneof(fc.constantFrom(...samples.map((s) => s.replace(/[^A-Za-z0-9+/=]/g, ''))), fc.stringMatching(/^[A-Za-z0-9+/=]{1,8}$/)), { maxLength: 12 }).map((p) => p.join(''));
  fc.assert(
    fc.property(fc.oneof(spacedText, texts), (text) => {
      if (PREFIXED_START.test(text)) return true;
      return unfiltered(text).every((f) => !PREFIXED.has(f.kind));
    }),
    { numRuns: 3000 },
  );
});

t.test('a text without a prefix spread out over separators has no spaced run holding a prefix', async (t) => {
  const piece = fc.oneof(fc.constantFrom('A', 'K', 'I', 'S', 'B', 'C', '3', 'T', 'z', 'a', 'Iza', 'KIA'), fc.stringMatching(/^[A-Za-z0-9+/=]{1,4}$/), fc.stringMatching(/^[\s._|,:;·•-]{1,3}$/));
  let skipped = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), (text) => {
      if (SPREAD_PREFIX.test(text)) return true;
      skipped++;
      // Every spaced run joined up is a piece of the whole text joined up.
      return !PREFIXED_START.test(text.replace(/[\s._|,:;·•-]+/g, ''));
    }),
    { numRuns: 3000 },
  );
  t.ok(skipped > 100, `${skipped} texts skipped`);
  t.ok(SPREAD_PREFIX.test('key: A K I A I O S F'), 'a spelt-out key is not skipped');
});

t.test('spaced runs read only around a spread-out prefix are those of the whole text that hold a prefix', async (t) => {
  const holdsPrefix = (r: { text: string }) => PREFIXED_START.test(r.text.replace(/[\s._|,:;·•-]+/g, ''));
  const piece = fc.oneof(
    fc.constantFrom('A K I A', 'AKIA', 'A-I-z-a', 'A3T', 'IOSF', 'ODNN', '7EXA', 'MPLE', '"', "'", '(', ')', '{', '@', '\u00a0', '·', '•', 'é'),
    fc.stringMatching(/^[A-Za-z0-9+/=]{1,4}$/),
    fc.stringMatching(/^[\s._|,:;·•-]{1,3}$/),
  );
  let kept = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), (text) => {
      const expected = spacedRuns(text).filter(holdsPrefix);
      kept += expected.length;
      t.same(spacedRunsNearPrefixes(text).filter(holdsPrefix), expected);
    }),
    { numRuns: 3000 },
  );
  t.ok(kept > 200, `${kept} runs holding a prefix`);
});

t.test('the search for a spread-out prefix (a check by hand, then the factored alternation) matches first where SPREAD_PREFIX does', async (t) => {
  const spread = new RegExp(SPREAD_PREFIX.source, 'g');
  const piece = fc.oneof(
    fc.constantFrom('s', 'k', 'r', '_', '-', 'A', 'K', 'I', 'g', 'h', 'p', 'github', 'pat', 'gl', 'x', 'o', 'b', 'hf', 'npm', 'z', 'a', '3', 'T', 'ghp_', 'sk-', 'g h p _', 's - k - _', 'x o x b -'),
    // Scrambled prefixes and their leads: ROT13'd (`fx-`, `NXVN`), reversed (`_phg`, `-axox`), both (`-xf`).
    fc.constantFrom('fx-', 'ex_', 'NXVN', 'AIKA', 'tuc_', 'us_', 'kbkn-', '_phg', '_ ks', '_fh', '-axox', '- n k b k', '-xf', '_ x f', 'N 3 G', 'a z I A'),
    fc.stringMatching(/^[A-Za-z0-9+/=]{1,3}$/),
    fc.stringMatching(/^[\s._|,:;·•*-]{1,3}$/),
    fc.constantFrom('\u00a0', '\u2003', '\u3000', 'é', '"', '\ud83d\ude00'),
  );
  let found = 0;
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }).map((p) => p.join('')), fc.nat(40), (text, from) => {
      spread.lastIndex = Math.min(from, text.length);
      const m = spread.exec(text);
      if (m !== null) found++;
      const got = firstSpreadPrefix(text, Math.min(from, text.length));
      // The same from the pairs a keyword pass found in the text (the check by hand made in that pass).
      const fromPass = firstSpreadPrefix(text, Math.min(from, text.length), keywordPass(text).spreadPairs);
      if (JSON.stringify(fromPass) !== JSON.stringify(got)) return false;
      // The same start; the factored alternation may take a longer match there (`s - k - _` whole, where the
      // flat one stops at `s - k -`), and a match only marks a stretch to read whole.
      return m === null ? got === null : got !== null && got.start === m.index && got.end >= m.index + m[0].length;
    }),
    { numRuns: 8000 },
  );
  t.ok(found > 1000, `${found} texts with a spread-out prefix`);
});
