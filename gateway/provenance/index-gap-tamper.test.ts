// A gap file edited by hand (index-gap.ts) never lifts the refusal unless it is deleted: whatever it
// holds that is not a well-formed gap reads as a gap of unknown extent, never as no gap, and a miss after
// an earlier gap keeps that gap's start, so a later miss cannot move what retention must forget.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OwnGap, readGap } from './index-gap.js';

const dir = mkdtempSync(join(tmpdir(), 'termsgate-gap-tamper-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'index.gap.json');

const wellFormed = (v: unknown): boolean => {
  const g = v as Record<string, unknown>;
  return typeof g === 'object' && g !== null && typeof g.id === 'string' && Number.isFinite(g.since) && (g.until === null || Number.isFinite(g.until)) && typeof g.reason === 'string';
};

t.test('any content but a well-formed gap reads as a gap of unknown extent, never as none', async (t) => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.record({ id: fc.anything(), since: fc.anything(), until: fc.anything(), reason: fc.anything() }).map((v) => JSON.stringify(v))), (content) => {
      writeFileSync(file, content);
      const gap = readGap(file);
      if (gap === null) return false;
      let parsed: unknown;
      try {
        parsed = JSON.parse(content);
      } catch {
        parsed = undefined;
      }
      // Either it was a gap as written, or it is read as one that started at the epoch and never ended.
      return wellFormed(parsed) ? gap.since === (parsed as { since: number }).since : gap.since === 0 && gap.until === null;
    }),
    { numRuns: 500 },
  );
});

t.test('a later miss reopens the earlier gap: its start and reason stay', async (t) => {
  writeFileSync(file, JSON.stringify({ id: 'g-1', since: 1_000, until: 5_000, reason: 'the backlog was full' }));
  const gap = new OwnGap(file, true, (err) => t.fail(String(err)));
  gap.missed('a write failed');
  t.match(JSON.parse(readFileSync(file, 'utf8')), { id: 'g-1', since: 1_000, until: null, reason: 'the backlog was full' });
  gap.clearIfForgotten(Date.now() + 1e9);
  t.ok(readGap(file), 'an open gap is not forgotten by any cutoff');
  await gap.end();
  t.ok((readGap(file)?.until ?? 0) >= 5_000, 'ended at close');
});
