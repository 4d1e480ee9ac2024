import t from 'tap';
import fc from 'fast-check';
import { embeddingForm, MAX_WORDS, MIN_WORDS, slidingWindows } from './windows.js';

const words = (s: string) => s.split(/\s+/).filter((w) => w.length > 0).length;

t.test('sentences are joined to at least 24 words, and a sentence without end is cut at MAX_WORDS', async (t) => {
  const sentence = 'The keeper trimmed the wick and wound the clockwork before dusk.';
  const text = Array(12).fill(sentence).join(' ');
  const windows = slidingWindows(text);
  t.ok(windows.length >= 8 && windows.length <= 10, 'one window from each sentence until the rest fits in one');
  t.ok(windows.every((w) => words(w.text) >= 24));
  const run = Array(200).fill('word').join(' ');
  t.ok(slidingWindows(run).every((w) => words(w.text) <= MAX_WORDS));
});

t.test('sliding windows start at every sentence until the rest fits in one', async (t) => {
  const text = Array.from({ length: 10 }, (_, i) => `Sentence number ${i} says a dozen plain words about the lighthouse keeper here.`).join(' ');
  const windows = slidingWindows(text);
  t.equal(windows[0].start, 0);
  t.equal(windows.at(-1)!.end, text.length);
  t.ok(windows.length >= 7);
});

t.test('the embedded form undoes markup, invisible marks and look-alike digits, and is the same for a text however it is disguised', async (t) => {
  t.equal(embeddingForm('The <b>light-h0us3</b> k33per\u200b'), embeddingForm('The lighthouse keeper'));
  t.equal(embeddingForm('theLamp\uFE01 keeper'), 'the Lamp keeper');
});

t.test('a window never crosses a blank line', async (t) => {
  const text = 'Polish this.\n\nThe keeper trimmed the wick and wound the clockwork before dusk. The keeper trimmed the wick and wound the clockwork before dusk.\n\nThanks.';
  const windows = slidingWindows(text);
  t.same(windows.map((w) => text.slice(w.start, w.end).split('\n\n').length), [1, 1, 1]);
  t.equal(text.slice(windows[0].start, windows[0].end), 'Polish this.');
});

t.test('a short tail joins the sliding window before it: no window of a few words after a longer one', async (t) => {
  const quote = 'The Licensor waives and/or agrees not to assert any right or authority to forbid You from making technical modifications necessary to exercise the Licensed Rights. For purposes';
  const windows = slidingWindows(`Own words come first here.\n\n${quote}`);
  t.same(windows.map((w) => w.text), ['Own words come first here.', quote], 'the cut-off "For purposes" is not a window of its own');
  fc.assert(
    fc.property(fc.array(fc.constantFrom('The keeper trimmed the wick and wound the clockwork before dusk and after.', 'Why?', 'For purposes', 'A lamp.'), { minLength: 1, maxLength: 30 }), (sentences) => {
      const text = sentences.join(' ');
      const ws = slidingWindows(text);
      const total = words(text);
      // Only a text short as a whole gives a short window.
      return ws.every((w) => words(w.text) >= MIN_WORDS / 2 || total < MIN_WORDS) && ws.at(-1)!.end === text.length;
    }),
  );
});
