// Verifies a fleet bundle signed in OPA's format (https://www.openpolicyagent.org/docs/latest/management-bundles/#signing):
// the bundle carries `.signatures.json` = { "signatures": ["<JWS>"] }, one compact JWS whose payload lists every
// file of the bundle with its hash: { "files": [{ "name", "hash", "algorithm" }], "keyid"?, "scope"?, "iss"?, "iat"? }.
// The JWS is checked with the configured public key (RS*/PS* for RSA, ES* for EC, EdDSA for Ed25519 keys); then
// every file of the bundle must be listed, every listed file must be there, and each hash must match. As in OPA,
// structured files (data.json, .manifest) are hashed over their JSON with object keys sorted and no spaces, the
// others over their bytes. Anything else (no signature, several, a bad one, a file too many or too few) refuses.
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, errors as joseErrors } from 'jose';
import { Parser, type ReadEntry } from 'tar';

export const SIGNATURES_FILE = '.signatures.json';
/** Uncompressed bytes a bundle may hold; more is refused before it fills memory. */
export const BUNDLE_MAX_BYTES = 64 * 1024 * 1024;

export class BundleSignatureError extends Error {}

export interface BundleFile {
  /** The path inside the bundle, without a leading '/' or './'. */
  name: string;
  bytes: Buffer;
}

export interface BundleKey {
  key: KeyObject;
  /** JWS algorithms accepted for this key's type. */
  algorithms: string[];
  /** When set, a JWS naming another key (header `kid` or payload `keyid`) is refused. */
  keyId?: string;
}

export interface VerifiedBundle {
  /** File name → SHA-256 (hex) of its bytes, every file verified against the signature (.signatures.json excluded). */
  files: Record<string, string>;
  /** The JWS algorithm and the key id it named, if any. */
  alg: string;
  kid: string | null;
}

/** The public key of a PEM (SPKI or certificate) and the algorithms OPA signs with for its type. */
export function bundleKeyFromPem(pem: string, keyId?: string): BundleKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new BundleSignatureError(`policy.bundleKey is not a PEM public key: ${(err as Error).message}`);
  }
  const type = key.asymmetricKeyType;
  let algorithms: string[];
  if (type === 'rsa') algorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
  else if (type === 'rsa-pss') algorithms = ['PS256', 'PS384', 'PS512'];
  else if (type === 'ed25519') algorithms = ['EdDSA'];
  else if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const byCurve: Record<string, string> = { prime256v1: 'ES256', 'P-256': 'ES256', secp384r1: 'ES384', 'P-384': 'ES384', secp521r1: 'ES512', 'P-521': 'ES512' };
    if (!curve || !byCurve[curve]) throw new BundleSignatureError(`policy.bundleKey: EC curve ${curve} is not supported (P-256, P-384, P-521)`);
    algorithms = [byCurve[curve]];
  } else throw new BundleSignatureError(`policy.bundleKey: ${type} keys are not supported (RSA, EC, Ed25519)`);
  return { key, algorithms, keyId };
}

function normalName(path: string): string {
  return path.replace(/^(\.?\/)+/, '');
}

/** The regular files of a bundle (.tar.gz), read in memory; links, devices and oversized bundles are refused. */
export async function readBundleFiles(bytes: Uint8Array, maxBytes = BUNDLE_MAX_BYTES): Promise<BundleFile[]> {
  const files: BundleFile[] = [];
  const seen = new Set<string>();
  let total = 0;
  let failure: Error | null = null;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const name = normalName(entry.path);
      if (entry.type === 'Directory') {
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        failure ??= new BundleSignatureError(`bundle entry ${JSON.stringify(entry.path)} is a ${entry.type}, not a file`);
        entry.resume();
        return;
      }
      if (!name || name.split('/').includes('..')) failure ??= new BundleSignatureError(`bundle entry ${JSON.stringify(entry.path)} has an unsafe path`);
      if (seen.has(name)) failure ??= new BundleSignatureError(`bundle holds ${JSON.stringify(name)} twice`);
      seen.add(name);
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => {
        total += c.length;
        if (total > maxBytes) failure ??= new BundleSignatureError(`bundle is larger than ${maxBytes} bytes unpacked`);
        else chunks.push(c);
      });
      entry.on('end', () => files.push({ name, bytes: Buffer.concat(chunks) }));
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('warn', (_code: string, message: string | Error) => {
      failure ??= new BundleSignatureError(`bundle is not a valid tar.gz: ${typeof message === 'string' ? message : message.message}`);
    });
    parser.on('end', () => resolve());
    parser.end(Buffer.from(bytes));
  }).catch((err: unknown) => {
    throw new BundleSignatureError(`bundle is not a valid tar.gz: ${(err as Error).message}`);
  });
  if (failure) throw failure;
  return files;
}

const HASHES: Record<string, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512', 'SHA-512-224': 'sha512-224', 'SHA-512-256': 'sha512-256', 'SHA-224': 'sha224' };

/** OPA's structured-file encoding: JSON with object keys sorted, no spaces, HTML characters unescaped. */
function structuredJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(structuredJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    return `{${keys.map((k) => `${JSON.stringify(k)}:${structuredJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const isStructured = (name: string): boolean => name === '.manifest' || name.endsWith('/.manifest') || name === 'data.json' || name.endsWith('/data.json');

/** The hash OPA signs for a file of the bundle. */
export function bundleFileHash(file: BundleFile, algorithm = 'SHA-256'): string {
  const h = HASHES[algorithm];
  if (!h) throw new BundleSignatureError(`hash algorithm ${algorithm} of ${file.name} is not accepted (${Object.keys(HASHES).join(', ')})`);
  if (!isStructured(file.name)) return createHash(h).update(file.bytes).digest('hex');
  let value: unknown;
  try {
    value = JSON.parse(file.bytes.toString('utf8'));
  } catch {
    throw new BundleSignatureError(`${file.name} is not valid JSON`);
  }
  return createHash(h).update(structuredJson(value)).digest('hex');
}

interface SignedFile {
  name: string;
  hash: string;
  algorithm?: string;
}

/** Checks the bundle's `.signatures.json` against `key` and every file against the signed list. */
export async function verifyBundleFiles(files: readonly BundleFile[], key: BundleKey): Promise<VerifiedBundle> {
  const sigFile = files.find((f) => f.name === SIGNATURES_FILE);
  if (!sigFile) throw new BundleSignatureError(`bundle is not signed: no ${SIGNATURES_FILE}`);
  let signatures: unknown;
  try {
    signatures = (JSON.parse(sigFile.bytes.toString('utf8')) as { signatures?: unknown }).signatures;
  } catch {
    throw new BundleSignatureError(`${SIGNATURES_FILE} is not valid JSON`);
  }
  if (!Array.isArray(signatures) || signatures.length !== 1 || typeof signatures[0] !== 'string') {
    throw new BundleSignatureError(`${SIGNATURES_FILE} must hold exactly one signature`);
  }
  let payload: Uint8Array;
  let header: { alg?: string; kid?: string };
  try {
    ({ payload, protectedHeader: header } = await compactVerify(signatures[0], key.key, { algorithms: key.algorithms }));
  } catch (err) {
    const why = err instanceof joseErrors.JOSEAlgNotAllowed ? `algorithm not accepted for the configured key (${key.algorithms.join(', ')})` : err instanceof joseErrors.JWSSignatureVerificationFailed ? 'signature does not verify with the configured key' : (err as Error).message;
    throw new BundleSignatureError(`bundle signature refused: ${why}`);
  }
  let claims: { files?: unknown; keyid?: unknown };
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as typeof claims;
  } catch {
    throw new BundleSignatureError('bundle signature payload is not JSON');
  }
  const kid = typeof header.kid === 'string' ? header.kid : typeof claims.keyid === 'string' ? claims.keyid : null;
  if (key.keyId && kid !== null && kid !== key.keyId) throw new BundleSignatureError(`bundle signed with key ${JSON.stringify(kid)}, expected ${JSON.stringify(key.keyId)}`);
  if (!Array.isArray(claims.files)) throw new BundleSignatureError('bundle signature payload lists no files');
  const signed = new Map<string, SignedFile>();
  for (const f of claims.files as SignedFile[]) {
    if (!f || typeof f.name !== 'string' || typeof f.hash !== 'string') throw new BundleSignatureError('bundle signature payload has a file without name or hash');
    const name = normalName(f.name);
    if (signed.has(name)) throw new BundleSignatureError(`bundle signature lists ${JSON.stringify(name)} twice`);
    signed.set(name, f);
  }
  const out: Record<string, string> = {};
  const present = new Set<string>();
  for (const file of files) {
    if (file.name === SIGNATURES_FILE) continue;
    present.add(file.name);
    const s = signed.get(file.name);
    if (!s) throw new BundleSignatureError(`bundle file ${JSON.stringify(file.name)} is not in the signature`);
    if (bundleFileHash(file, s.algorithm ?? 'SHA-256') !== s.hash.toLowerCase()) throw new BundleSignatureError(`bundle file ${JSON.stringify(file.name)} does not match its signed hash`);
    out[file.name] = createHash('sha256').update(file.bytes).digest('hex');
  }
  for (const name of signed.keys()) {
    if (!present.has(name)) throw new BundleSignatureError(`signed file ${JSON.stringify(name)} is missing from the bundle`);
  }
  return { files: out, alg: header.alg ?? '', kid };
}
