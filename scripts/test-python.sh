#!/usr/bin/env bash
# Runs the training runner's test suite (CPU; includes DDP with two gloo processes). Non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-python.sh
cd training-runner
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests
