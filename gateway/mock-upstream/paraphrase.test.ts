import t from 'tap';
import { paraphrase } from './paraphrase.js';

const text = 'The keeper of the lighthouse climbed the stairs every evening, and he lit the lamp before the storm.';

t.test('a deterministic paraphrase: WordNet synonyms for content words, "A, and B." reordered', async (t) => {
  const once = paraphrase(text);
  t.equal(paraphrase(text), once, 'the same text, the same paraphrase');
  t.not(once, text);
  t.match(once, /^He lit the lamp before the storm, and the keeper of the beacon climbed the steps every eve\.$/);
  t.equal(paraphrase('Ok.'), 'Ok.', 'short and stop words stay');
});
