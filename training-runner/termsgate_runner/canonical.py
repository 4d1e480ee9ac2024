"""RFC 8785 canonical JSON and the permit message, byte-for-byte as the gateway computes them."""
import hashlib

import rfc8785


def canonical_json(value) -> bytes:
    return rfc8785.dumps(value)


def digest_of(example) -> str:
    return "sha256:" + hashlib.sha256(canonical_json(example)).hexdigest()


def record_id_of(decision_id: str) -> str:
    """The gateway's stable record id: one call (decision), one record."""
    return "tr_" + hashlib.sha256(decision_id.encode()).hexdigest()[:32]


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
