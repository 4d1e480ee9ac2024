"""python -m termsgate_runner pull | verify | scan | train | audit | card | check-deployment"""
import argparse
import json
import sys
from pathlib import Path

from .config import load_config


def _print(obj) -> None:
    print(json.dumps(obj, indent=2, ensure_ascii=False))


def cmd_pull(a) -> int:
    from .pull import pull
    from .gateway_key import load_pinned
    from .verify import verify_dir

    result = pull(a.gateway, a.token, Path(a.out), a.limit)
    report = verify_dir(Path(a.out), load_pinned(Path(a.out)), set(load_config(a.config).allowed_licences))
    _print({**result, "verify": report.to_json()})
    return 0


# verify's exit when the gateway's detection cannot answer for every record: nothing verified, nothing moved.
EXIT_UNTRACED = 3


def _detector(a):
    """Span-level detection against the gateway: its admin API (--gateway, an auditor token) or its scan CLI (--data-dir)."""
    from .trace import TOKEN_ENV, CliDetector, GatewayDetector, detect_token

    if a.gateway:
        token = detect_token(a.detect_token)
        if not token:
            raise SystemExit(f"--gateway needs an auditor or admin control-plane token: {TOKEN_ENV} in the environment, or --detect-token")
        return GatewayDetector(a.gateway, token)
    return CliDetector(Path(a.data_dir)) if a.data_dir else None


def cmd_verify(a) -> int:
    from .gateway_key import GatewayKey, load_pinned
    from .provenance import scan
    from .trace import DetectionUnavailable
    from .verify import verify_dir

    key = GatewayKey.from_json(json.loads(Path(a.public_key).read_text())) if a.public_key else load_pinned(Path(a.dir))
    if key is None:
        print(f"no gateway key pinned in {a.dir}; pass --public-key", file=sys.stderr)
        return 2
    detector = _detector(a)
    if detector is None and not a.permits_only:
        print("verify traces every record through the gateway's detection: pass --gateway URL (token in TERMSGATE_DETECT_TOKEN) or --data-dir GATEWAY_DATA; --permits-only checks permits alone", file=sys.stderr)
        return 2
    try:
        report = verify_dir(Path(a.dir), key, set(load_config(a.config).allowed_licences), move=not a.dry_run, detector=detector)
    except DetectionUnavailable as e:
        print(f"verify stopped, nothing verified or moved: {e}", file=sys.stderr)
        return EXIT_UNTRACED
    out = report.to_json()
    restricted = False
    for dataset in a.external or []:
        result = scan(Path(dataset), data_dir=Path(a.data_dir) if a.data_dir else None)
        out.setdefault("external", []).append({"file": dataset, "restricted": result.restricted, "restricted_records": len(result.restricted_records)})
        restricted |= result.restricted
    _print(out)
    return 1 if report.quarantined or restricted else 0


def cmd_scan(a) -> int:
    from .provenance import scan

    result = scan(Path(a.file), data_dir=Path(a.data_dir) if a.data_dir else None)
    _print({"file": a.file, "restricted": result.restricted, "restricted_records": result.restricted_records, "findings": result.findings})
    return 1 if result.restricted else 0


def cmd_train(a) -> int:
    from .train import train

    summary = train(Path(a.data), load_config(a.config), Path(a.out))
    if int(__import__("os").environ.get("RANK", "0")) == 0:
        _print(summary)
    return 0


def cmd_audit(a) -> int:
    from .audit import audit, load_prompts
    from .trace import DetectionUnavailable

    detector = _detector(a)
    if detector is None:
        print("audit needs the gateway's index: --gateway (token in TERMSGATE_DETECT_TOKEN), or --data-dir", file=sys.stderr)
        return 2
    try:
        report = audit(Path(a.run), load_config(a.config), load_prompts(Path(a.prompts)), detector, a.max_new_tokens)
    except DetectionUnavailable as e:
        print(f"audit stopped, nothing written: {e}", file=sys.stderr)
        return EXIT_UNTRACED
    _print(report)
    return 0


def cmd_card(a) -> int:
    from .card import write_card

    _print(write_card(Path(a.run), a.name))
    return 0


def cmd_check_deployment(a) -> int:
    from .restrictions import check_deployment

    result = check_deployment(Path(a.run), a.purpose)
    _print(result)
    return 0 if result["allowed"] else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="termsgate_runner")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("pull", help="consume the training feed into shards, then verify them")
    s.add_argument("--gateway", required=True)
    s.add_argument("--token", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--config")
    s.add_argument("--limit", type=int, default=500)
    s.set_defaults(fn=cmd_pull)
    s = sub.add_parser("verify", help="check permits and licences, trace every record through the gateway; quarantine what fails (exit 1 if any, 3 if the gateway cannot trace)")
    s.add_argument("dir")
    s.add_argument("--config")
    s.add_argument("--public-key", help="gateway key JSON (default: the key pinned by pull)")
    s.add_argument("--external", action="append", help="outside dataset to pass through `termsgate provenance scan`")
    s.add_argument("--data-dir", help="the gateway's data directory: trace every record with `termsgate provenance scan` (and --external scans)")
    s.add_argument("--gateway", help="trace every record through the gateway's admin detect API (exit 3 when it cannot answer: nothing verified)")
    s.add_argument("--detect-token", help="auditor or admin token for --gateway (default: $TERMSGATE_DETECT_TOKEN)")
    s.add_argument("--permits-only", action="store_true", help="check permits alone, tracing nothing (the output's traced_by is null)")
    s.add_argument("--dry-run", action="store_true", help="report without moving records")
    s.set_defaults(fn=cmd_verify)
    s = sub.add_parser("scan", help="refuse an outside dataset holding restricted gateway outputs (exit 1)")
    s.add_argument("file")
    s.add_argument("--data-dir")
    s.set_defaults(fn=cmd_scan)
    s = sub.add_parser("train", help="distil a student from verified records")
    s.add_argument("--data", required=True)
    s.add_argument("--config")
    s.add_argument("--out", required=True)
    s.set_defaults(fn=cmd_train)
    s = sub.add_parser("audit", help="share of the student's generations that reproduce restricted outputs, and of its answers to identity probes that claim a restricted provider's identity, beside the base model's")
    s.add_argument("--run", required=True)
    s.add_argument("--prompts", required=True, help="JSONL of held-out prompts: {\"messages\": [...]} or {\"prompt\": \"...\"}")
    s.add_argument("--config", help="the training config (rebuilds the base model)")
    s.add_argument("--gateway")
    s.add_argument("--detect-token", help="default: $TERMSGATE_DETECT_TOKEN")
    s.add_argument("--data-dir", help="the gateway's data directory (scan CLI instead of the API)")
    s.add_argument("--max-new-tokens", type=int, default=96)
    s.set_defaults(fn=cmd_audit)
    s = sub.add_parser("card", help="write the model card and lineage summary of a run")
    s.add_argument("--run", required=True)
    s.add_argument("--name")
    s.set_defaults(fn=cmd_card)
    s = sub.add_parser("check-deployment", help="refuse a deployment purpose the licences of the training data forbid (exit 1)")
    s.add_argument("--run", required=True)
    s.add_argument("--purpose", required=True, help="e.g. commercial, research, military")
    s.set_defaults(fn=cmd_check_deployment)
    a = p.parse_args(argv)
    return a.fn(a)


if __name__ == "__main__":
    sys.exit(main())
