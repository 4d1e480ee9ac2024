// The one scrubber for secrets in what the gateway emits: provider error bodies and headers, control-plane
// answers, log lines. It removes (1) the exact values the gateway holds (provider keys, the OIDC client
// secret, demo secrets), (2) any token whose SHA-256 matches a configured key or token hash (the gateway
// keeps only hashes of those, so this is how their values are recognised), and (3) in protocol text, the
// value after `Bearer `. Pure. Hand-written: secret scanners (secretlint and the like) find secrets by shape;
// this removes the gateway's own secrets by value, shape-independent.
import { hashSecret } from '../core/secret-hash.js';

export const REDACTED = '[redacted]';

/** Shorter values are too likely to occur by chance; the gateway's secrets are all far longer. */
const MIN_SECRET_LENGTH = 12;
// The separator may be whitespace or, inside JSON text, an escaped tab or newline.
const BEARER = /\b(bearer)((?:\s|\\[tnr])+)(?!\[redacted\])[^\s"'<>,;\\]+/gi;
// Candidate tokens for the hash check: the alphabet of generated keys and tokens (base64url and '-').
const TOKEN = /[A-Za-z0-9_-]{16,512}/g;

export interface ScrubberSources {
  /** Secret values held in memory. */
  secrets?: Iterable<string | undefined>;
  /** "sha256:<hex>" hashes of secrets whose values the gateway does not hold. */
  hashes?: Iterable<string>;
}

export class SecretScrubber {
  #secrets: string[] = [];
  readonly #hashes = new Set<string>();

  constructor(sources: ScrubberSources = {}) {
    this.add(sources);
  }

  add(sources: ScrubberSources): void {
    const all = new Set(this.#secrets);
    for (const s of sources.secrets ?? []) if (s && s.length >= MIN_SECRET_LENGTH) all.add(s);
    // Longest first, so a secret containing another is removed whole.
    this.#secrets = [...all].sort((a, b) => b.length - a.length);
    for (const h of sources.hashes ?? []) this.#hashes.add(h);
  }

  /**
   * The exact values only. For successful provider bodies: the provider knows its own key but never a
   * gateway token, and in model output `Bearer` is ordinary text.
   */
  scrubExact(text: string): string {
    for (const s of this.#secrets) if (text.includes(s)) text = text.split(s).join(REDACTED);
    return text;
  }

  /** Everything: values, hashed tokens and bearer credentials. For errors, headers, answers and logs. */
  scrub(text: string): string {
    text = this.scrubExact(text);
    if (this.#hashes.size > 0) text = text.replace(TOKEN, (token) => (this.#hashes.has(hashSecret(token)) ? REDACTED : token));
    return text.replace(BEARER, `$1$2${REDACTED}`);
  }

  scrubHeaders<T extends string | string[] | undefined>(headers: Record<string, T>): Record<string, T> {
    const out: Record<string, T> = {};
    for (const [name, value] of Object.entries(headers)) {
      out[name] = (typeof value === 'string' ? this.scrub(value) : Array.isArray(value) ? value.map((v) => this.scrub(v)) : value) as T;
    }
    return out;
  }

  /** scrubExact for text arriving in pieces: each piece is emitted at once, less any tail that could begin a secret. */
  stream(): StreamScrubber {
    return new StreamScrubber(this);
  }

  /** Length of the longest tail of `text` that is a proper prefix of an exact secret (the next piece could complete it). */
  secretStartAtEnd(text: string): number {
    let longest = 0;
    for (const secret of this.#secrets) {
      // Candidates start where the secret's first character occurs in the last length-1 characters; the earliest is the longest.
      for (let i = text.indexOf(secret[0], Math.max(0, text.length - secret.length + 1)); i !== -1; i = text.indexOf(secret[0], i + 1)) {
        if (secret.startsWith(text.slice(i))) {
          longest = Math.max(longest, text.length - i);
          break;
        }
      }
    }
    return longest;
  }
}

export class StreamScrubber {
  #held = '';

  constructor(readonly scrubber: SecretScrubber) {}

  push(piece: string): string {
    const text = this.scrubber.scrubExact(this.#held + piece);
    const held = this.scrubber.secretStartAtEnd(text);
    this.#held = held > 0 ? text.slice(-held) : '';
    return held > 0 ? text.slice(0, -held) : text;
  }

  end(): string {
    const rest = this.#held;
    this.#held = '';
    return rest;
  }
}
