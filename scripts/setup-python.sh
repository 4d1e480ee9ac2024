#!/usr/bin/env bash
# Creates training-runner/.venv and installs the runner with its test extras.
# Idempotent: a stamp keyed on the pyproject's hash skips the install when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=training-runner/.venv
STAMP="$VENV/.installed"
want=$(sha256sum training-runner/pyproject.toml | cut -d' ' -f1)
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "setup-python: training-runner/.venv up to date"
  exit 0
fi
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
start=$(date +%s)
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e "training-runner[test]"
echo "$want" > "$STAMP"
echo "setup-python: installed in $(( $(date +%s) - start ))s"
