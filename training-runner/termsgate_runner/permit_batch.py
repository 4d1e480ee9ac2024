"""Batch permits: the gateway signs one Merkle root (RFC 9162) per feed batch; each record proves its leaf.

Verified by hand: RFC 9162's inclusion check is a dozen lines, and no maintained Python package offers
it without a whole transparency-log client.
"""
import base64
import hashlib
from functools import lru_cache

from .canonical import canonical_json
from .gateway_key import GatewayKey

ALG = "Ed25519-batch"


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def batch_message(root: str, size: int) -> bytes:
    """The bytes signed once per batch, as the gateway's permit.ts builds them."""
    return canonical_json({"v": 2, "kind": "termsgate-permit-batch", "root": root, "size": size})


def verify_inclusion(leaf: bytes, index: int, size: int, proof: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2, on a leaf hash."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


@lru_cache(maxsize=4096)
def _signed(key: GatewayKey, root: str, size: int, signature: str) -> bool:
    # One signature check per batch, however many of its records are read.
    return key.verify(batch_message(root, size), signature)


def batch_error(batch, message: bytes, key: GatewayKey) -> str | None:
    """None when `message` is a leaf of a batch the key signed, else why not."""
    if not isinstance(batch, dict):
        return "permit lacks its batch"
    root, size, index, proof, signature = (batch.get(k) for k in ("root", "size", "index", "proof", "signature"))
    if not (isinstance(root, str) and isinstance(signature, str) and type(size) is int and type(index) is int
            and isinstance(proof, list) and all(isinstance(h, str) for h in proof)):
        return "malformed permit batch"
    try:
        hashes = [b64url_decode(h) for h in proof]
        root_bytes = b64url_decode(root)
    except ValueError:
        return "malformed permit batch"
    if not verify_inclusion(leaf_hash(message), index, size, hashes, root_bytes):
        return "not in its permit batch (record or proof altered)"
    if not _signed(key, root, size, signature):
        return "bad signature (forged permit)"
    return None


def batch_key(record) -> tuple | None:
    """Which signed batch a record claims, or None when it names none."""
    permit = record.get("permit") if isinstance(record, dict) else None
    batch = permit.get("batch") if isinstance(permit, dict) else None
    if not isinstance(batch, dict) or type(batch.get("size")) is not int or type(batch.get("index")) is not int:
        return None
    if not all(isinstance(v, str) for v in (permit.get("key_id"), batch.get("root"), batch.get("signature"))):
        return None
    return (permit.get("key_id"), batch.get("root"), batch["size"], batch.get("signature"))
