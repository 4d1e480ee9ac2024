"""Consumes the gateway's training feed into dataset shards, resumable by cursor, de-duplicated by record id."""
import json
import urllib.parse
import urllib.request
from pathlib import Path

from .gateway_key import GatewayKey, load_pinned, pin
from .shards import SHARDS, append_lines, known_ids, write_atomic

STATE_FILE = "state.json"


def _get_json(url: str, token: str | None = None) -> dict:
    headers = {"accept": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as resp:
        return json.load(resp)


def fetch_key(gateway: str) -> GatewayKey:
    return GatewayKey.from_json(_get_json(gateway.rstrip("/") + "/training/v1/public-key"))


def pull(gateway: str, token: str, out: Path, limit: int = 500) -> dict:
    """Pulls every record after the saved cursor. Returns counts; raises if the gateway's key changed."""
    out = Path(out)
    (out / SHARDS).mkdir(parents=True, exist_ok=True)
    served = fetch_key(gateway)
    pinned = load_pinned(out)
    if pinned is None:
        pin(out, served)
    elif pinned != served:
        raise RuntimeError(f"gateway key {served.key_id} differs from the pinned key {pinned.key_id}; refusing to pull")
    state_path = out / STATE_FILE
    state = json.loads(state_path.read_text()) if state_path.exists() else {"cursor": "0"}
    seen = known_ids(out)
    received = duplicates = 0
    base = gateway.rstrip("/") + "/training/v1/feed"
    while True:
        query = urllib.parse.urlencode({"cursor": state["cursor"], "limit": limit})
        page = _get_json(f"{base}?{query}", token)
        records = page.get("records", [])
        if not records:
            break
        fresh = []
        for record in records:
            rid = record.get("id") if isinstance(record, dict) else None
            if rid in seen:
                duplicates += 1
                continue
            seen.add(rid)
            fresh.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        if fresh:
            append_lines(out / SHARDS / f"shard-{int(records[0]['seq']):012d}.jsonl", fresh)
        received += len(fresh)
        if str(page["next_cursor"]) == str(state["cursor"]):
            break  # only replays of what was already delivered: caught up
        # The cursor moves only after the shard is on disk: a crash re-pulls, and de-duplication absorbs it.
        state = {"cursor": str(page["next_cursor"])}
        write_atomic(state_path, json.dumps(state) + "\n")
    return {"received": received, "duplicates": duplicates, "cursor": state["cursor"], "key_id": served.key_id}
