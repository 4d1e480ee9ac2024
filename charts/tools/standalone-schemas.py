#!/usr/bin/env python3
"""Turns the Kubernetes JSON schemas shipped in the kubernetes-validate wheel into the standalone
layout kubeconform reads offline ({version}-standalone-strict/{kind}-{group}-{version}.json).

The wheel's schemas point into a shared _definitions.json through absolute references
("/api/_definitions.json#/$defs/..."), which kubeconform cannot resolve from local files; each
resource schema here gets the definitions it reaches copied into its own "$defs".

usage: standalone-schemas.py WHEEL K8S_VERSION OUT_DIR
"""
import json
import re
import sys
import zipfile
from pathlib import Path

REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                m = REF.match(value)
                if m:
                    found.add(m.group(1))
            else:
                refs(value, found)
    elif isinstance(node, list):
        for item in node:
            refs(item, found)


def rewrite(node):
    if isinstance(node, dict):
        return {
            k: (REF.sub(lambda m: "#/$defs/" + m.group(1), v) if k == "$ref" and isinstance(v, str) else rewrite(v))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [rewrite(i) for i in node]
    return node


def main(wheel: str, version: str, out_dir: str) -> int:
    prefix = f"kubernetes_validate/kubernetes-json-schema/v{version}-local-strict/"
    out = Path(out_dir) / f"v{version}-standalone-strict"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel) as z:
        names = [n for n in z.namelist() if n.startswith(prefix) and n.endswith(".json")]
        if not names:
            print(f"no schemas for Kubernetes {version} in {wheel}", file=sys.stderr)
            return 1
        definitions = json.loads(z.read(prefix + "_definitions.json"))
        defs = definitions["$defs"]
        written = 0
        for name in names:
            base = name[len(prefix):]
            if base.startswith("_") or base == "all.json":
                continue
            schema = json.loads(z.read(name))
            # Only resources (schemas that pin apiVersion and kind) are looked up by kubeconform.
            props = schema.get("properties", {})
            if "enum" not in props.get("kind", {}) or "enum" not in props.get("apiVersion", {}):
                continue
            reached, pending = set(), set()
            refs(schema, pending)
            while pending:
                d = pending.pop()
                if d in reached:
                    continue
                reached.add(d)
                refs(defs[d], pending)
            schema = rewrite(schema)
            # The wheel's "$id" names a path on its own server; without it, "#/$defs/..." resolves in this file.
            schema.pop("$id", None)
            schema["$schema"] = definitions.get("$schema", "https://json-schema.org/draft/2020-12/schema")
            schema["$defs"] = {d: rewrite(defs[d]) for d in sorted(reached)}
            (out / base).write_text(json.dumps(schema, separators=(",", ":")))
            written += 1
    print(f"wrote {written} standalone strict schemas for Kubernetes {version} to {out}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
