// Licence catalogue changes in words, checked against the shipped catalogue.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { licenceChanges, type Catalogue } from './licence-words.js';

const shipped = () => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'policies', 'data', 'licences.json'), 'utf8')) as Catalogue;

t.test('no change, no words', async (t) => {
  t.same(licenceChanges(shipped(), shipped()), []);
});

t.test('a class, a date and a duty change are each named', async (t) => {
  const before = shipped();
  const after = shipped();
  const [id, e] = Object.entries(after.licences).find(([, x]) => x.training === 'free')!;
  e.training = 'never';
  e.checked.on = '2026-12-02';
  e.duties.push({ kind: 'attribution', text: 'Built with it', trigger: 'distribution' });
  const words = licenceChanges(before, after);
  t.equal(words.length, 3, words.join('\n'));
  t.equal(words[0], `Licence ${id}: may train changes from “Yes” to “No”`);
  t.match(words[1], new RegExp(`^Licence ${id.replace(/\./g, '\\.')}: check now on 2026-12-02`));
  t.match(words[2], /duties now attribution when the trained model is distributed: Built with it/);
});
