#!/usr/bin/env bash
# Creates training-runner/.venv and installs the runner with its test extras.
# Third-party packages come from training-runner/requirements.lock, every file checked against its
# sha256 (--require-hashes); the runner itself is then installed editable without dependencies.
# Regenerate the lock after changing pyproject.toml's dependencies (pip-tools):
#   cd training-runner && pip-compile --allow-unsafe --extra=test --generate-hashes --no-emit-index-url \
#     --no-emit-find-links --strip-extras --output-file=requirements.lock pyproject.toml
# Idempotent: a stamp keyed on the pyproject's and the lock's hashes skips the install when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=training-runner/.venv
STAMP="$VENV/.installed"
want=$(cat training-runner/pyproject.toml training-runner/requirements.lock | sha256sum | cut -d' ' -f1)
if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
  echo "setup-python: training-runner/.venv up to date"
  exit 0
fi
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
start=$(date +%s)
"$VENV/bin/python" -m pip install --quiet --require-hashes --no-deps -r training-runner/requirements.lock
# setuptools (the build backend) is in the lock: no isolated build environment fetched unchecked.
"$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e training-runner
echo "$want" > "$STAMP"
echo "setup-python: installed in $(( $(date +%s) - start ))s"
