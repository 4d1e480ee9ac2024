"""The gateway's Ed25519 public key, as served at /training/v1/public-key and pinned in the data directory."""
import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEY_FILE = "gateway-key.json"


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class GatewayKey:
    key_id: str
    raw: bytes

    @classmethod
    def from_json(cls, doc: dict) -> "GatewayKey":
        if doc.get("alg") != "Ed25519":
            raise ValueError(f"unsupported permit algorithm {doc.get('alg')!r}")
        raw = _b64url_decode(doc["public_key"])
        key_id = hashlib.sha256(raw).hexdigest()[:16]
        if key_id != doc["key_id"]:
            raise ValueError("key_id does not match the public key")
        return cls(key_id=key_id, raw=raw)

    def to_json(self) -> dict:
        return {"alg": "Ed25519", "key_id": self.key_id, "public_key": base64.urlsafe_b64encode(self.raw).rstrip(b"=").decode()}

    def verify(self, message: bytes, signature_b64url: str) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(_b64url_decode(signature_b64url), message)
            return True
        except (InvalidSignature, ValueError):
            return False


def load_pinned(data_dir: Path) -> GatewayKey | None:
    path = Path(data_dir) / KEY_FILE
    return GatewayKey.from_json(json.loads(path.read_text())) if path.exists() else None


def pin(data_dir: Path, key: GatewayKey) -> None:
    path = Path(data_dir) / KEY_FILE
    path.write_text(json.dumps(key.to_json(), indent=2) + "\n")
