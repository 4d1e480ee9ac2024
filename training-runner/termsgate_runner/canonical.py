"""RFC 8785 canonical JSON and the permit message, byte-for-byte as the gateway computes them."""
import hashlib

import rfc8785


def canonical_json(value) -> bytes:
    return rfc8785.dumps(value)


def digest_of(example) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(example)).hexdigest()


def record_id_of(digest: str) -> str:
    return "tr_" + digest[len("sha256:") : len("sha256:") + 32]


def permit_message(permit: dict) -> bytes:
    return canonical_json(
        {
            "v": 1,
            "id": permit["id"],
            "digest": permit["digest"],
            "policy_revision": permit["policy_revision"],
            "licence": permit["licence"],
        }
    )
