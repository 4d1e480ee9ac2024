// RFC 8785 canonical JSON and the digests derived from it: the one byte encoding that hashes are taken over.
import { hash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS (module.exports = fn) while its typings declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * RFC 8785 is JSON.stringify (ES number and string serialisation) with object members sorted by
 * UTF-16 code units. The fast path hands the native JSON.stringify a value whose members are already in
 * that order: the value itself where it is (a leaf of {seq, record} mostly is), else a copy sorted where
 * needed. Without a replacer, V8 serialises natively, two to three times quicker than with a sorting
 * replacer (called back for every value) and several times quicker than the library. Objects whose keys
 * may be array indices (which JS orders numerically, not as strings) and non-finite numbers go to the library.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof CanonicalValue) return value.text;
  const seen = { needLibrary: false };
  const form = sortedForm(value, '', seen);
  const text = seen.needLibrary ? undefined : JSON.stringify(form);
  if (text !== undefined) return text;
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new TypeError('value has no JSON representation');
  return canonical;
}

/** `v` as JSON.stringify would read it (after toJSON), with object members in code-unit order; `v` itself where nothing moves. */
function sortedForm(v: unknown, key: string | number, seen: { needLibrary: boolean }): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(String(key));
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) seen.needLibrary = true;
    return v;
  }
  if (Array.isArray(v)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const f = sortedForm(v[i], i, seen);
      if (f !== v[i]) (copy ??= v.slice())[i] = f;
    }
    return copy ?? v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let sorted = true;
  for (let i = 0; i < keys.length; i++) {
    const c = keys[i].charCodeAt(0);
    if (c >= 48 && c <= 57) seen.needLibrary = true;
    if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
  }
  if (!sorted) keys.sort();
  const forms = new Array<unknown>(keys.length);
  let changed = !sorted;
  for (let i = 0; i < keys.length; i++) {
    forms[i] = sortedForm(o[keys[i]], keys[i], seen);
    if (forms[i] !== o[keys[i]]) changed = true;
  }
  if (!changed || seen.needLibrary) return o;
  // No prototype, so an own "__proto__" member (JSON.parse makes them) stays a member.
  const out: Record<string, unknown> = Object.create(null);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = forms[i];
  return out;
}

/** "sha256:<hex>" of the canonical JSON of a value: how content is keyed in the content store. */
export function contentDigest(value: unknown): string {
  return value instanceof CanonicalValue ? value.digest : canonicalDigest(canonicalJson(value));
}

/** The same digest of text already in canonical form, for callers that keep the text too (no second serialisation). */
export function canonicalDigest(canonical: string): string {
  return 'sha256:' + hash('sha256', canonical, 'hex');
}

/**
 * A value whose canonical text and digest are computed once, on first use, however many records and
 * stores name it: a call's request is named by each of its records and stored by the last one.
 * canonicalJson and contentDigest take it in place of the value. The value must not change once wrapped.
 */
export class CanonicalValue {
  readonly value: unknown;
  #text: string | undefined;
  #digest: string | undefined;

  constructor(value: unknown) {
    this.value = value;
  }

  get text(): string {
    return (this.#text ??= canonicalJson(this.value));
  }

  get digest(): string {
    return (this.#digest ??= canonicalDigest(this.text));
  }

  /** Whether the canonical text and digest are already known. */
  get primed(): boolean {
    return this.#digest !== undefined;
  }

  /** Takes the text and digest computed elsewhere (canonical-thread.ts) by the same canonicalJson from this value. */
  prime(text: string, digest: string): void {
    this.#text ??= text;
    this.#digest ??= digest;
  }

  /** JSON.stringify of a wrapped value is that of the value. */
  toJSON(): unknown {
    return this.value;
  }
}

/** The canonical text and digest of a value, once: its wrapper as it is, or a new one. */
export function canonicalOf(value: unknown): CanonicalValue {
  return value instanceof CanonicalValue ? value : new CanonicalValue(value);
}
