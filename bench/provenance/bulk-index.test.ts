// The bulk loader holds what the gateway's writer holds after the same outputs, byte for byte, with
// posting lists long enough to be cut at MAX_LISTED, so a scan measured against it measures the index the
// gateway builds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { MAX_LISTED } from '../../gateway/provenance/fingerprint-index.js';
import { openIndexEnv } from '../../gateway/provenance/index/lmdb/lmdb-env.js';
import { createProvenance, indexPath, type RememberArgs } from '../../gateway/provenance/provenance.js';
import { bulkIndex } from './bulk-index.js';

const keys = { keyId: '5ca1ab1e0ddba11a', macSecret: Buffer.alloc(32, 7) };
const COUNT = 1500;
// A boilerplate sentence in every output: its shingles and pairs list more than MAX_LISTED outputs.
const COMMON = 'Every answer closes with the same reminder about careful review of generated material.';
const WORDS = 'river stone lantern harvest copper meadow signal orchard canvas thunder velvet anchor quarry ember willow'.split(' ');

function outputOf(doc: number): RememberArgs {
  const words = Array.from({ length: 12 + (doc % 20) }, (_, k) => WORDS[(doc * 7 + k * k * 3 + (doc >> 3)) % WORDS.length] + ((doc + k) % 5 === 0 ? String(doc % 97) : ''));
  return {
    // Not every id a UUID: the writer then stores the hash of the id and the id itself.
    decisionId: doc % 3 === 0 ? `call-${doc}` : `00000000-0000-4000-8000-${doc.toString(16).padStart(12, '0')}`,
    text: `${words.join(' ')}. ${COMMON}`,
    licence: doc % 2 ? 'openai-terms' : 'mit',
    licenceClass: doc % 2 ? 'restricted' : 'permissive',
    trainable: doc % 2 === 0,
    time: new Date(Date.UTC(2026, 11, 1) + doc * 1000).toISOString(),
  };
}

function entries(dataDir: string): Map<string, string> {
  const { env, outputs, refs, postings } = openIndexEnv(indexPath(dataDir), true);
  const all = new Map<string, string>();
  for (const [name, db] of [['outputs', outputs], ['refs', refs], ['words', postings.words], ['loose', postings.loose]] as const) {
    for (const { key, value } of (db as typeof outputs).getRange({})) all.set(`${name}:${Buffer.isBuffer(key) ? key.toString('hex') : String(key)}`, Buffer.from(value).toString('hex'));
  }
  void env.close();
  return all;
}

t.test('the bulk loader holds what the writer holds, posting lists cut at MAX_LISTED included', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bulk-index-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const written = join(dir, 'written');
  const loaded = join(dir, 'loaded');
  const p = await createProvenance({ dataDir: written, keys });
  for (let doc = 0; doc < COUNT; doc++) {
    p.remember(outputOf(doc));
    if (doc % 400 === 399) await p.flush();
  }
  await p.close();
  await bulkIndex(loaded, COUNT, outputOf);

  const a = entries(written);
  const b = entries(loaded);
  t.equal(b.size, a.size, 'as many entries');
  let differing = 0;
  for (const [k, v] of a) if (b.get(k) !== v) differing++;
  t.equal(differing, 0, 'no entry differs');
  const longest = Math.max(...[...a].filter(([k]) => k.startsWith('loose:')).map(([, v]) => v.length / 8));
  t.equal(longest, MAX_LISTED, 'some posting list was cut at MAX_LISTED');
  await t.rejects(bulkIndex(loaded, COUNT, outputOf), /exists/, 'never loads into an existing index');
});
