#!/usr/bin/env bash
# Pins gitleaks' default rule set (config/gitleaks.toml, MIT) as data for egress classification:
# fetches the module from the Go module proxy (checked against the checksum database by `go mod download`),
# and writes gateway/classify/gitleaks/rules.json (the rules as gitleaks ships them, RE2 syntax; translated
# to JavaScript at load by gateway/classify/re2-to-js.ts) and its LICENSE beside it.
# Usage: scripts/update-gitleaks.sh [VERSION]   (default: the version pinned in rules.json)
# Afterwards: npx tsx scripts/gitleaks-samples.ts (a test sample for every new rule), then the tests in
# gateway/classify/gitleaks-rules.test.ts and the false-positive bench (bench/egress/false-positives.ts).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/gateway/classify/gitleaks"
version="${1:-$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$out/rules.json")}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
info="$(cd "$work" && GOPATH="$work/gopath" GOFLAGS=-modcacherw go mod download -json "github.com/zricethezav/gitleaks/v8@$version")"
dir="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])' <<<"$info")"
sum="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["Sum"])' <<<"$info")"
cp "$dir/LICENSE" "$out/LICENSE"
python3 - "$dir/config/gitleaks.toml" "$version" "$sum" "$out/rules.json" <<'PY'
import json, sys, tomllib
src, version, digest, dest = sys.argv[1:]
config = tomllib.load(open(src, "rb"))
keep = ("id", "regex", "secretGroup", "entropy", "keywords", "path", "allowlists")
rules = [{k: r[k] for k in keep if k in r} for r in config["rules"]]
allow = config.get("allowlist", {})
doc = {
    "source": "github.com/zricethezav/gitleaks/v8 config/gitleaks.toml",
    "version": version,
    "moduleSum": digest,
    "licence": "MIT (LICENSE beside this file)",
    "allowlist": {"regexes": allow.get("regexes", []), "stopwords": allow.get("stopwords", [])},
    "rules": rules,
}
with open(dest, "w") as f:
    json.dump(doc, f, indent=1, ensure_ascii=False)
    f.write("\n")
print(f"{len(rules)} rules from gitleaks {version} ({digest}) -> {dest}")
PY
