// The fingerprint index's storage measured against the alternatives issue 20 names, on the same
// synthetic postings (random 32-bit hashes, 250 per output as words + loose pairs sample them):
//   lmdb-lists  hash → the docs that sampled it (u32 list, newest first): what index/lmdb/ stores
//   lmdb-range  one key per posting [hash BE][~doc BE], a range read per lookup
//   file-hash   an append-only postings file [hash][doc][previous posting of the bucket] with an on-disk
//               hash table of bucket heads (pread/pwrite; Node has no mmap): each lookup reads a head,
//               then walks the chain
// Prints insert µs per posting, lookup µs (hit and miss), bytes per posting on disk.
// Run: npx tsx bench/provenance/index-backends.ts [outputs]   (default 20,000 outputs = 5,000,000 postings)
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { rngFrom } from './sotu-corpus.js';

const outputs = Number(process.argv[2] ?? 20_000);
const PER_OUTPUT = 250;
const LOOKUPS = 100_000;
const rng = rngFrom(5);
const hashes = Uint32Array.from({ length: outputs * PER_OUTPUT }, () => Math.floor(rng() * 2 ** 32));
const probesHit = Uint32Array.from({ length: LOOKUPS }, () => hashes[Math.floor(rng() * hashes.length)]);
const probesMiss = Uint32Array.from({ length: LOOKUPS }, () => Math.floor(rng() * 2 ** 32));

interface Candidate {
  insert(doc: number, hs: Uint32Array): void;
  commit(): Promise<void>;
  lookup(hash: number, out: number[]): void;
  bytes(): number;
  close(): void;
}

function lmdbLists(dir: string): Candidate {
  const env = open({ path: dir, maxDbs: 2, mapSize: 2 ** 40 });
  const db = env.openDB<Buffer, number>({ name: 'p', keyEncoding: 'uint32', encoding: 'binary' });
  let pending = new Map<number, number[]>();
  return {
    insert(doc, hs) {
      for (const h of hs) (pending.get(h) ?? pending.set(h, []).get(h)!).push(doc);
    },
    async commit() {
      const batch = pending;
      pending = new Map();
      await env.transaction(() => {
        for (const [h, docs] of batch) {
          const fresh = Buffer.from(Uint32Array.from(docs.reverse()).buffer);
          const old = db.getBinary(h);
          db.put(h, old ? Buffer.concat([fresh, old]).subarray(0, 4096) : fresh);
        }
      });
    },
    lookup(hash, out) {
      const v = db.getBinaryFast(hash);
      if (v) for (let i = 0; i < v.length; i += 4) out.push(v.readUInt32LE(i));
    },
    bytes: () => statSync(join(dir, 'data.mdb')).size,
    close: () => void env.close(),
  };
}

function lmdbRange(dir: string): Candidate {
  const env = open({ path: dir, maxDbs: 2, mapSize: 2 ** 40 });
  const db = env.openDB<Buffer, Buffer>({ name: 'p', keyEncoding: 'binary', encoding: 'binary' });
  const empty = Buffer.alloc(0);
  const start = Buffer.alloc(4);
  const end = Buffer.alloc(4);
  let pending: Buffer[] = [];
  return {
    insert(doc, hs) {
      for (const h of hs) {
        const k = Buffer.allocUnsafe(8);
        k.writeUInt32BE(h, 0);
        k.writeUInt32BE(0xffffffff - doc, 4);
        pending.push(k);
      }
    },
    async commit() {
      const batch = pending;
      pending = [];
      await env.transaction(() => batch.forEach((k) => db.put(k, empty)));
    },
    lookup(hash, out) {
      start.writeUInt32BE(hash, 0);
      end.writeUInt32BE(Math.min(hash + 1, 0xffffffff), 0);
      for (const k of db.getKeys({ start, end, limit: 1024 })) out.push(0xffffffff - k.readUInt32BE(4));
    },
    bytes: () => statSync(join(dir, 'data.mdb')).size,
    close: () => void env.close(),
  };
}

function fileHash(dir: string): Candidate {
  // Written by hand: no maintained package offers an append-only file with an on-disk hash index.
  const BUCKETS = 2 ** Math.ceil(Math.log2(hashes.length / 2));
  const postings = openSync(join(dir, 'postings'), 'w+');
  const table = openSync(join(dir, 'heads'), 'w+');
  writeSync(table, Buffer.alloc(8), 0, 8, 8 * BUCKETS - 8);
  let end = 0;
  let pending: { h: number; doc: number }[] = [];
  const head = Buffer.alloc(8);
  const node = Buffer.alloc(16);
  return {
    insert(doc, hs) {
      for (const h of hs) pending.push({ h, doc });
    },
    async commit() {
      const buf = Buffer.alloc(16 * pending.length);
      pending.forEach(({ h, doc }, i) => {
        const bucket = h & (BUCKETS - 1);
        readSync(table, head, 0, 8, 8 * bucket);
        buf.writeUInt32LE(h, 16 * i);
        buf.writeUInt32LE(doc, 16 * i + 4);
        buf.writeDoubleLE(head.readDoubleLE(0), 16 * i + 8);
        head.writeDoubleLE(end + 16 * i + 1, 0);
        writeSync(table, head, 0, 8, 8 * bucket);
      });
      writeSync(postings, buf, 0, buf.length, end);
      end += buf.length;
      pending = [];
    },
    lookup(hash, out) {
      readSync(table, head, 0, 8, 8 * (hash & (BUCKETS - 1)));
      for (let at = head.readDoubleLE(0); at > 0 && out.length < 1024; at = node.readDoubleLE(8)) {
        readSync(postings, node, 0, 16, at - 1);
        if (node.readUInt32LE(0) === hash) out.push(node.readUInt32LE(4));
      }
    },
    bytes: () => statSync(join(dir, 'postings')).size + statSync(join(dir, 'heads')).size,
    close: () => {
      closeSync(postings);
      closeSync(table);
    },
  };
}

async function measure(name: string, make: (dir: string) => Candidate): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `index-${name}-`));
  try {
    const c = make(dir);
    const t0 = performance.now();
    for (let doc = 0; doc < outputs; doc++) {
      c.insert(doc, hashes.subarray(doc * PER_OUTPUT, (doc + 1) * PER_OUTPUT));
      if (doc % 200 === 199) await c.commit();
    }
    await c.commit();
    const insertUs = ((performance.now() - t0) * 1000) / hashes.length;
    const out: number[] = [];
    const time = (probes: Uint32Array) => {
      const t = performance.now();
      for (const h of probes) {
        out.length = 0;
        c.lookup(h, out);
      }
      return ((performance.now() - t) * 1000) / probes.length;
    };
    time(probesHit.subarray(0, 10_000));
    const hit = time(probesHit);
    const miss = time(probesMiss);
    const line = `| ${name} | ${insertUs.toFixed(2)} | ${hit.toFixed(2)} | ${miss.toFixed(2)} | ${(c.bytes() / hashes.length).toFixed(1)} |`;
    c.close();
    return line;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [await measure('lmdb-lists', lmdbLists), await measure('lmdb-range', lmdbRange), await measure('file-hash', fileHash)];
process.stdout.write(
  [`${outputs} outputs, ${hashes.length} postings; ${LOOKUPS} lookups each`, '', '| storage | insert µs/posting | lookup hit µs | lookup miss µs | bytes/posting |', '|---|---:|---:|---:|---:|', ...rows, ''].join('\n'),
);
