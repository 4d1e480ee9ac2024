#!/usr/bin/env bash
# Debian packages the test suites need beyond the base image: Chromium for the policy page's browser test.
set -euo pipefail
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if [[ ! -x /usr/bin/chromium ]]; then
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get install -y -qq chromium || { as_root apt-get update -qq && as_root apt-get install -y -qq chromium; }
fi
