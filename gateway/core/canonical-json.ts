// RFC 8785 canonical JSON and the digests derived from it: the one byte encoding that hashes are taken over.
import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';

// The package is CommonJS (module.exports = fn) while its typings declare an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

/**
 * RFC 8785 is JSON.stringify (ES number and string serialisation) with object members sorted by
 * UTF-16 code units. The fast path lets the native JSON.stringify do the work with a sorting
 * replacer, three to four times quicker than the library on our records; objects whose keys may be
 * array indices (which JS orders numerically, not as strings) and non-finite numbers go to the library.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof CanonicalValue) return value.text;
  let needLibrary = false;
  const text = JSON.stringify(value, function sortMembers(_key: string, v: unknown): unknown {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      if (typeof v === 'number' && !Number.isFinite(v)) needLibrary = true;
      return v;
    }
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    let sorted = true;
    for (let i = 0; i < keys.length; i++) {
      const c = keys[i].charCodeAt(0);
      if (c >= 48 && c <= 57) needLibrary = true;
      if (i > 0 && keys[i - 1] > keys[i]) sorted = false;
    }
    if (sorted || needLibrary) return v;
    // No prototype, so an own "__proto__" member (JSON.parse makes them) stays a member.
    const out: Record<string, unknown> = Object.create(null);
    for (const k of keys.sort()) out[k] = o[k];
    return out;
  });
  if (!needLibrary && text !== undefined) return text;
  const canonical = canonicalize(value);
  if (canonical === undefined) throw new TypeError('value has no JSON representation');
  return canonical;
}

/** "sha256:<hex>" of the canonical JSON of a value: how content is keyed in the content store. */
export function contentDigest(value: unknown): string {
  return value instanceof CanonicalValue ? value.digest : canonicalDigest(canonicalJson(value));
}

/** The same digest of text already in canonical form, for callers that keep the text too (no second serialisation). */
export function canonicalDigest(canonical: string): string {
  return 'sha256:' + createHash('sha256').update(canonical).digest('hex');
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
