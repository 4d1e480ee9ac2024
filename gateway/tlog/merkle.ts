// RFC 9162 Merkle tree hashing, proofs and their verifiers. Pure: stored hashes come in through a
// HashReader, so the same code serves the file store, PostgreSQL and in-memory tests.
import { hash } from 'node:crypto';

export const HASH_SIZE = 32;
const LEAF_PREFIX = 0;
const NODE_PREFIX = 1;
const EMPTY_ROOT = hash('sha256', Buffer.alloc(0), 'buffer');

// One-shot hashes of the prefixed bytes: no Hash object per leaf or node (several per call).
export function leafHash(leaf: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + leaf.length);
  bytes[0] = LEAF_PREFIX;
  bytes.set(leaf, 1);
  return hash('sha256', bytes, 'buffer');
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  const bytes = Buffer.allocUnsafe(1 + left.length + right.length);
  bytes[0] = NODE_PREFIX;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return hash('sha256', bytes, 'buffer');
}

/** Hash of the perfect subtree at `level` whose leaves are index·2^level … (index+1)·2^level − 1. */
export type HashReader = (level: number, index: number) => Buffer;

/** A node completed by an append, for the store to keep. */
export interface StoredNode {
  level: number;
  index: number;
  hash: Buffer;
}

/** Largest power of two strictly below n (n ≥ 2): the split point of RFC 9162's MTH. */
function splitPoint(n: number): number {
  if (n <= 2 ** 31) return 2 ** (31 - Math.clz32(n - 1));
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function perfectLevel(n: number): number {
  if (n < 2 ** 31) return n > 0 && (n & (n - 1)) === 0 ? 31 - Math.clz32(n) : -1;
  let level = 0;
  while (2 ** level < n) level++;
  return 2 ** level === n ? level : -1;
}

/** Wraps a reader with a bounded cache: proofs for neighbouring leaves share most siblings. */
export function cachedReader(read: HashReader, limit = 8192): HashReader {
  const cache = new Map<number, Buffer>();
  return (level, index) => {
    // level < 64 and index < 2^46 keep the key an exact double.
    const key = index * 64 + level;
    let h = cache.get(key);
    if (!h) {
      if (cache.size >= limit) cache.clear();
      h = read(level, index);
      cache.set(key, h);
    }
    return h;
  };
}

/**
 * Computes MTH over leaves [lo, hi) from stored perfect subtrees. Ranges produced by the RFC's
 * recursion are always aligned, so each perfect range is one stored hash. `memo` lets a run of
 * proofs over neighbouring leaves share the right-edge subtrees.
 */
export function subtreeHash(read: HashReader, lo: number, hi: number, memo?: Map<string, Buffer>): Buffer {
  const n = hi - lo;
  if (n === 0) return EMPTY_ROOT;
  const level = perfectLevel(n);
  if (level >= 0) return read(level, lo / n);
  const key = memo ? `${lo}:${hi}` : '';
  const cached = memo?.get(key);
  if (cached) return cached;
  const k = splitPoint(n);
  const hash = nodeHash(subtreeHash(read, lo, lo + k, memo), subtreeHash(read, lo + k, hi, memo));
  if (memo) {
    if (memo.size > 4096) memo.clear();
    memo.set(key, hash);
  }
  return hash;
}

export function treeRoot(read: HashReader, size: number, memo?: Map<string, Buffer>): Buffer {
  return subtreeHash(read, 0, size, memo);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
export function inclusionProof(read: HashReader, index: number, size: number, memo?: Map<string, Buffer>): Buffer[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const proof: Buffer[] = [];
  let lo = 0;
  let hi = size;
  const siblings: Buffer[] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      siblings.push(subtreeHash(read, lo + k, hi, memo));
      hi = lo + k;
    } else {
      siblings.push(subtreeHash(read, lo, lo + k, memo));
      lo = lo + k;
    }
  }
  // The RFC lists the path from the leaf upwards.
  for (let i = siblings.length - 1; i >= 0; i--) proof.push(siblings[i]);
  return proof;
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]). */
export function consistencyProof(read: HashReader, first: number, second: number): Buffer[] {
  if (!(first >= 0 && first <= second)) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  const out: Buffer[] = [];
  let lo = 0;
  let hi = second;
  let m = first;
  let whole = true;
  while (m !== hi - lo) {
    const k = splitPoint(hi - lo);
    if (m <= k) {
      out.push(subtreeHash(read, lo + k, hi));
      hi = lo + k;
    } else {
      out.push(subtreeHash(read, lo, lo + k));
      lo = lo + k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) out.push(subtreeHash(read, lo, hi));
  return out.reverse();
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/** RFC 9162 §2.1.3.2. */
export function verifyInclusion(leaf: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array): boolean {
  return verifyInclusionCached(leaf, index, size, proof, root, new Map());
}

/**
 * verifyInclusion for many leaves of one tree: the intermediate hashes of every verified path are
 * remembered by their position (fn, sn of the RFC algorithm identify one node of a tree of `size`),
 * so a later path stops as soon as it reaches a node already proven to lead to the root. Neighbouring
 * leaves share all but the lowest nodes: a few hashes per leaf instead of log2(size).
 */
/**
 * The exact number of hashes in the inclusion proof of `index` in a tree of `size` (RFC 9162 §2.1.3):
 * the inner path below the split from the right border, plus the border nodes above it.
 */
export function inclusionProofLength(index: number, size: number): number {
  const i = BigInt(index);
  const inner = (i ^ BigInt(size - 1)).toString(2).replace(/^0+/, '').length;
  const border = (i >> BigInt(inner)).toString(2).replace(/0/g, '').length;
  return inner + border;
}

export function verifyInclusionCached(leaf: Uint8Array, index: number, size: number, proof: Uint8Array[], root: Uint8Array, proven: Map<string, Buffer>): boolean {
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size)) return false;
  // A cached node may end the walk early; the length check keeps a shortened proof from passing there.
  if (proof.length !== inclusionProofLength(index, size)) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf);
  const path: [string, Buffer][] = [];
  const remember = () => {
    if (proven.size > 65536) proven.clear();
    for (const [k, h] of path) proven.set(k, h);
  };
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i];
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
    // At the root: a proof with hashes left over is malformed.
    if (sn === 0) {
      if (i !== proof.length - 1) return false;
      break;
    }
    const key = `${size}:${fn}:${sn}`;
    const known = proven.get(key);
    if (known) {
      if (!known.equals(r)) return false;
      remember();
      return true;
    }
    path.push([key, r]);
  }
  if (sn !== 0 || !r.equals(root)) return false;
  remember();
  return true;
}

/** RFC 9162 §2.1.4.2. */
export function verifyConsistency(first: number, second: number, proof: Uint8Array[], firstRoot: Uint8Array, secondRoot: Uint8Array): boolean {
  if (first > second || first < 0) return false;
  if (first === second) return proof.length === 0 && Buffer.from(firstRoot).equals(secondRoot);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = perfectLevel(first) >= 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && Buffer.from(fr).equals(firstRoot) && Buffer.from(sr).equals(secondRoot);
}

/**
 * The leaves [start, end) as the fewest aligned perfect subtrees, left to right (level, index): the
 * canonical dyadic decomposition, at most 2·log2(end − start) subtrees. An export that leaves a run of
 * records out carries these subtrees' hashes, so a verifier can still recompute the root.
 */
export function rangeSubtrees(start: number, end: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  for (let at = start; at < end; ) {
    let level = 0;
    while (at % 2 ** (level + 1) === 0 && at + 2 ** (level + 1) <= end) level++;
    out.push({ level, index: at / 2 ** level });
    at += 2 ** level;
  }
  return out;
}

/** Builds rangeSubtrees(start, end)'s hashes from the leaf hashes of start, start+1, …, in O(log n) memory. */
export class RangeHasher {
  readonly start: number;
  #end: number;
  #stack: { level: number; index: number; hash: Buffer }[] = [];

  constructor(start: number) {
    this.start = start;
    this.#end = start;
  }

  /**
   * A hasher that has taken the leaves [start, end) already, from the hashes of rangeSubtrees(start, end)
   * (a stored tree's nodes): its state is that decomposition, so appending on gives the same hashes as
   * appending every leaf from start.
   */
  static resume(start: number, end: number, hashes: Buffer[]): RangeHasher {
    const parts = rangeSubtrees(start, end);
    if (parts.length !== hashes.length) throw new Error(`[${start}, ${end}) has ${parts.length} subtrees, ${hashes.length} hashes given`);
    const h = new RangeHasher(start);
    h.#stack = parts.map((p, k) => ({ ...p, hash: hashes[k] }));
    h.#end = end;
    return h;
  }

  get end(): number {
    return this.#end;
  }

  append(leaf: Buffer): void {
    this.#stack.push({ level: 0, index: this.#end++, hash: leaf });
    for (;;) {
      const n = this.#stack.length;
      if (n < 2) break;
      const [l, r] = [this.#stack[n - 2], this.#stack[n - 1]];
      // Merge two neighbours of one level only when they are the two halves of one aligned subtree.
      if (l.level !== r.level || l.index % 2 !== 0) break;
      this.#stack.splice(n - 2, 2, { level: l.level + 1, index: l.index / 2, hash: nodeHash(l.hash, r.hash) });
    }
  }

  /** The hashes of rangeSubtrees(start, end), left to right. */
  hashes(): Buffer[] {
    return this.#stack.map((s) => s.hash);
  }
}

/**
 * The right edge of the tree (one perfect subtree per set bit of the size): appends in O(log n)
 * time and memory, reports the nodes each append completes, and yields the root at any moment.
 */
export class Frontier {
  #stack: { level: number; hash: Buffer }[] = [];
  #size = 0;

  static fromStore(read: HashReader, size: number): Frontier {
    const f = new Frontier();
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        f.#stack.push({ level, hash: read(level, start / width) });
        start += width;
      }
    }
    f.#size = size;
    return f;
  }

  get size(): number {
    return this.#size;
  }

  append(leaf: Buffer): StoredNode[] {
    const position = this.#size;
    const nodes: StoredNode[] = [{ level: 0, index: position, hash: leaf }];
    let hash = leaf;
    let level = 0;
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1].level === level) {
      hash = nodeHash(this.#stack.pop()!.hash, hash);
      level++;
      nodes.push({ level, index: Math.floor(position / 2 ** level), hash });
    }
    this.#stack.push({ level, hash });
    this.#size++;
    return nodes;
  }

  /** Appends a whole perfect subtree of 2^level leaves by its hash; the size must be a multiple of its width. */
  appendSubtree(level: number, hash: Buffer): void {
    const width = 2 ** level;
    if (this.#size % width !== 0) throw new RangeError(`a subtree of ${width} leaves cannot start at position ${this.#size}`);
    let h = hash;
    let l = level;
    while (this.#stack.length > 0 && this.#stack[this.#stack.length - 1].level === l) {
      h = nodeHash(this.#stack.pop()!.hash, h);
      l++;
    }
    this.#stack.push({ level: l, hash: h });
    this.#size += width;
  }

  root(): Buffer {
    if (this.#stack.length === 0) return EMPTY_ROOT;
    let r = this.#stack[this.#stack.length - 1].hash;
    for (let i = this.#stack.length - 2; i >= 0; i--) r = nodeHash(this.#stack[i].hash, r);
    return r;
  }
}
