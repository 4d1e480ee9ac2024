// Recognises a private key by its DER structure, for a PEM body whose armour was removed.
// DER prefixes of private keys: a SEQUENCE whose first element is the version INTEGER 0 or 1
// (PKCS#1 RSA, PKCS#8, SEC1 EC), or an encrypted PKCS#8 (PBES2); and OpenSSH's own format.
// Public keys and certificates start with a nested SEQUENCE instead, so they do not match.
const OPENSSH_MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const PBES2 = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x05, 0x0d]);

export function isPrivateKeyDer(bytes: Buffer): boolean {
  if (bytes.subarray(0, OPENSSH_MAGIC.length).equals(OPENSSH_MAGIC)) return true;
  if (bytes.length < 16 || bytes[0] !== 0x30) return false;
  const lengthBytes = bytes[1] & 0x80 ? bytes[1] & 0x7f : 0;
  if (lengthBytes > 3) return false;
  const body = 2 + lengthBytes;
  if (bytes[body] === 0x02 && bytes[body + 1] === 0x01 && (bytes[body + 2] === 0x00 || bytes[body + 2] === 0x01)) {
    // The version is followed by an INTEGER (RSA modulus), an OCTET STRING (EC key) or an AlgorithmIdentifier.
    return [0x02, 0x04, 0x30].includes(bytes[body + 3]);
  }
  return bytes.subarray(body, body + 24).includes(PBES2);
}
