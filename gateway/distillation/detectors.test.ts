// Properties of the normalisers and detectors: skeletons, MinHash bands, reasoning elicitation, prompt text.
import t from 'tap';
import fc from 'fast-check';
import { skeleton, SLOTS } from './skeleton.js';
import { bandKeys, BANDS, signature, similarity } from './minhash.js';
import { elicitsReasoning } from './elicitation.js';
import { MAX_PROMPT_CHARS, promptText } from './prompt-text.js';

const word = fc.stringMatching(/^[a-z]{3,9}$/);
const template = fc.array(word, { minLength: 12, maxLength: 30 });

t.test('a skeleton masks variable slots: prompts that differ only in their values have one skeleton', async (t) => {
  fc.assert(
    fc.property(template, fc.integer({ min: 0, max: 11 }), fc.nat(), fc.nat(), fc.string({ maxLength: 40 }).filter((s) => !/["\n]/.test(s)), fc.string({ maxLength: 40 }).filter((s) => !/["\n]/.test(s)), (words, at, n1, n2, s1, s2) => {
      const fill = (n: number, s: string) => [...words.slice(0, at), String(n), `"${s}"`, ...words.slice(at)].join(' ');
      return skeleton(fill(n1, s1)) === skeleton(fill(n2, s2));
    }),
  );
  t.equal(skeleton('Translate "Hello there" into French: item 42 at https://x.example/a?b=1 for a@b.co'), 'translate <str> into french item <num> at <url> for <email>');
  t.equal(skeleton('Rename user_id and fooBar in ```let x = 1```'), 'rename <id> and <id> in <code>');
});

t.test('a skeleton is idempotent and case-, width- and punctuation-insensitive', async (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => skeleton(skeleton(s)) === skeleton(s)));
  fc.assert(fc.property(template, (words) => skeleton(words.join(' ').toUpperCase()) === skeleton(words.join(', ') + '!')));
  t.equal(skeleton('ＳＴＥＰ by step'), 'step by step');
});

t.test('property: skipping a slot whose needed character is absent never changes a skeleton (look-alikes that NFKC folds into @, digits or quotes included)', async () => {
  // The definition: every slot applied in order, as before the skip existed.
  const everySlot = (text: string) => {
    let s = text.normalize('NFKC');
    for (const [re, mask] of SLOTS) s = s.replace(re, mask);
    return s.toLowerCase().replace(/[^\p{L}\p{N}<>\s]+/gu, ' ').replace(/\s+/g, ' ').trim();
  };
  const pieces = fc.constantFrom('a', 'B', 'x_y', 'fooBar', ' ', '\n', '1', '１', '@', '＠', '.', '"', '＂', "'", '`', '```', '“', '”', 'https', '://', 'ｈｔｔｐｓ：／／', '-', '/', 'é', 'ǅ');
  fc.assert(fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => skeleton(parts.join('')) === everySlot(parts.join(''))), { numRuns: 5000 });
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => skeleton(s) === everySlot(s)), { numRuns: 2000 });
});

t.test('MinHash: identical skeletons share every band; a one-word change keeps most of the signature', async (t) => {
  fc.assert(
    fc.property(template, (words) => {
      const a = signature(words.join(' '));
      return similarity(a, signature(words.join(' '))) === 1 && bandKeys(a).length === BANDS;
    }),
  );
  fc.assert(
    // Distinct words: repeated ones collapse shingles, and one change then moves a larger share of the few left.
    fc.property(fc.uniqueArray(word, { minLength: 60, maxLength: 100 }), fc.nat(), word, (words, i, w) => {
      const changed = [...words];
      changed[i % words.length] = w + 'x';
      const a = signature(words.join(' '));
      const b = signature(changed.join(' '));
      // Three of 60 or more shingles change (Jaccard ≥ 0.9): no shared band among 16 of 4 rows happens
      // once in fifty million (0.33^16); with 30 words, and repeats, it happened in CI.
      const shared = bandKeys(a).filter((k) => bandKeys(b).includes(k)).length;
      return similarity(a, b) >= 0.5 && shared >= 1;
    }),
    { numRuns: 200 },
  );
});

t.test('MinHash: unrelated prompts rarely share a band', async (t) => {
  let collisions = 0;
  fc.assert(
    fc.property(fc.array(word, { minLength: 15, maxLength: 40 }), fc.array(word, { minLength: 15, maxLength: 40 }), (a, b) => {
      const ka = bandKeys(signature(a.join(' ')));
      if (bandKeys(signature(b.join(' '))).some((k) => ka.includes(k))) collisions++;
      return true;
    }),
    { numRuns: 500 },
  );
  t.ok(collisions <= 5, `${collisions} of 500 random pairs share a band`);
});

t.test('reasoning elicitation: the phrases are found wherever they sit, plain prompts are not flagged', async (t) => {
  const phrases = ['think step by step', 'Show your reasoning', 'explain your reasoning', 'use a chain-of-thought', 'put it in <thinking> tags', 'walk me through your reasoning', 'Step-by-step, please'];
  fc.assert(fc.property(fc.constantFrom(...phrases), fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), (p, a, b) => elicitsReasoning(`${a} ${p} ${b}`)));
  for (const plain of ['Summarise this ticket in two lines', 'What is the capital of France?', 'Write a unit test for parseArgs', 'steps to reproduce: open the app']) t.notOk(elicitsReasoning(plain), plain);
});

t.test('prompt text reads the content of every dialect, bounded', async (t) => {
  t.equal(promptText([{ role: 'user', content: 'hi' }, { role: 'user', content: [{ type: 'text', text: 'there' }] }]), 'hi\nthere');
  t.equal(promptText(['a completion prompt']), 'a completion prompt');
  t.equal(promptText([{ role: 'user', content: 'x', name: 'secret-name', tool_call_id: 'id' }]), 'x');
  fc.assert(fc.property(fc.array(fc.string({ maxLength: 5000 }), { maxLength: 10 }), (parts) => promptText(parts.map((content) => ({ role: 'user', content }))).length <= MAX_PROMPT_CHARS + 10));
});
