import t from 'tap';
import { RecentWindows } from './recent-window.js';
import { createTrainingAdmission } from './admission.js';

const alice = { keyId: 'k1', project: 'p1', team: 't1' };
const bob = { keyId: 'k2', project: 'p1', team: 't2' };
const carol = { keyId: 'k3', project: 'p3', team: 't3' };

t.test('a window holds the recent documents of a key, its project and its team, each once, oldest first', async (t) => {
  let now = 0;
  const w = new RecentWindows({ maxBytes: 10, maxAgeMs: 100, now: () => now });
  w.add(alice, 'aaa');
  w.add(bob, 'bbb');
  w.add(carol, 'ccc');
  t.same(w.context(alice).docs, ['aaa', 'bbb'], 'bob shares the project');
  t.same(w.context(carol).docs, ['ccc']);
  w.add(alice, 'dddd');
  t.same(w.context(alice).docs, ['aaa', 'bbb', 'dddd'], 'at most 10 bytes');
  w.add(alice, 'eeee');
  t.same(w.context(alice).docs, ['dddd', 'eeee'], 'the oldest go first');
  now = 150;
  t.same(w.context(alice).docs, [], 'records older than the window are forgotten');
});

t.test('at most maxScopes scopes are kept, the least recently used forgotten first', async (t) => {
  const w = new RecentWindows({ maxScopes: 3 });
  w.add(alice, 'a');
  w.add(carol, 'c');
  t.same(w.context(alice).docs, [], "alice's three scopes were pushed out by carol's");
  t.same(w.context(carol).docs, ['c']);
});

t.test('admission refuses a record whose restricted span only appears after earlier records of the same scope', async (t) => {
  // A stand-in detector: "SECRET" split as "SEC" + "RET" across records is restricted where it is whole.
  const detect = (text: string) => {
    const spans = [...text.matchAll(/SEC\s*RET/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, origin: 'fingerprint', status: 'genuine', decision_id: 'd1', licence: 'l', restricted: true }));
    return { restricted: spans.length > 0, spans };
  };
  const admission = createTrainingAdmission(detect);
  t.equal((await admission.screen([{ role: 'user', content: 'SEC' }], 'answer one', alice)).admitted, true, 'the first piece alone');
  t.equal((await admission.screen([{ role: 'user', content: 'RET' }], 'answer two', carol)).admitted, true, 'another scope has no window with it');
  const second = await admission.screen([{ role: 'user', content: 'RET' }], 'answer two', alice);
  t.equal(second.admitted, false, 'the second piece with the first');
  t.match(second.reasons[0].message, /decision d1.*pieced together with 1 earlier training record/);
  t.equal((await admission.screen([{ role: 'user', content: 'RET' }], 'x')).admitted, true, 'no scope, no window');
});

t.test('evidence of an output outlives unrelated records, is kept per output for every sender, and is what a record touching that output is screened after', async (t) => {
  const w = new RecentWindows({ maxBytes: 20, evidenceBytes: 20 });
  w.add(alice, 'piece-one', { touched: ['d1'], text: 'piece-one' });
  for (let i = 0; i < 10; i++) w.add(alice, `filler-${i}`);
  w.add(alice, 'other-out', { touched: ['d2'], text: 'other-out' });
  t.same(w.context(alice), { docs: ['filler-9', 'other-out'], evidence: false }, 'untouched: the newest records of the scope, the first piece pushed out');
  t.same(w.context(alice, ['d1']), { docs: ['piece-one'], evidence: true }, "touching d1: d1's evidence only, neither the fillers nor d2's");
  t.same(w.context(alice, ['d2', 'd1']).docs, ['piece-one', 'other-out'], 'touching both: the evidence of both, oldest first');
  t.same(w.context(carol, ['d1']).docs, ['piece-one'], 'another key of another project and team: the same evidence (one feed, one student)');
  for (let i = 0; i < 10; i++) w.add(carol, `evidence-of-d1-${i}`, { touched: ['d1'], text: `d1-${i}` });
  t.same(w.context(alice, ['d1']).docs, ['d1-5', 'd1-6', 'd1-7', 'd1-8', 'd1-9'], 'evidence is bounded per output (evidenceBytes): the oldest goes first');
});

t.test('at most maxOutputs outputs keep evidence, the least recently touched forgotten first', async (t) => {
  const w = new RecentWindows({ maxOutputs: 2 });
  w.add(alice, 'a', { touched: ['d1'], text: 'a' });
  w.add(alice, 'b', { touched: ['d2'], text: 'b' });
  w.add(alice, 'c', { touched: ['d3'], text: 'c' });
  t.same(w.context(alice, ['d1']).docs, [], 'd1 forgotten');
  t.same(w.context(alice, ['d3']).docs, ['c']);
});

t.test('admission pieces together the records touching the same output, whoever sent them and whatever was admitted between them or around them', async (t) => {
  // A stand-in detector: "SECRET" whole is restricted; "SEC" and "RET" touch d1 where they stand.
  const detect = (text: string) => {
    const spans = [...text.matchAll(/SEC\s*RET/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, origin: 'fingerprint', status: 'genuine', decision_id: 'd1', licence: 'l', restricted: true }));
    const ranges = [...text.matchAll(/SEC|RET/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    return { restricted: spans.length > 0, spans, touched: { decision_ids: ranges.length > 0 ? ['d1'] : [], ranges } };
  };
  const admission = createTrainingAdmission(detect, { windows: new RecentWindows({ maxBytes: 64 }) });
  // Longer than a prompt kept whole (512 characters): the words around the shared ones are kept.
  const padding = 'unrelated words '.repeat(20);
  t.equal((await admission.screen([{ role: 'user', content: `${padding}SEC${padding}` }], 'answer', alice)).admitted, true, 'the first piece alone, in unrelated text');
  for (let i = 0; i < 20; i++) t.equal((await admission.screen([{ role: 'user', content: `unrelated record number ${i}` }], 'answer', alice)).admitted, true);
  const second = await admission.screen([{ role: 'user', content: `${padding}RET` }], 'answer', carol);
  t.equal(second.admitted, false, 'the second piece, twenty unrelated records later and through another key, project and team, is pieced together with the first');
  t.match(second.reasons[0].message, /decision d1.*pieced together with 1 earlier training record\(s\) that share words with the same restricted output/);
});
