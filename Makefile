# The two commands of the README: `make start` and `make test`.
# `make start` installs only what the gateway needs (npm packages, OPA, the build: `make setup-gateway`);
# `make test` runs `make setup`, which installs everything the suites need (also Helm, kubeconform,
# the training runner's venv with PyTorch, Chromium and PostgreSQL).
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/bin:$(PATH)
export GOBIN := $(CURDIR)/.tools/bin

OPA_VERSION := v1.22.3
HELM_VERSION := v3.22.0
KUBECONFORM_VERSION := v0.7.0
VENV := training-runner/.venv

.PHONY: setup setup-gateway setup-node setup-models setup-opa setup-tools setup-python setup-system setup-services build start test test-ts test-policies test-python test-charts chart-schema bench screenshots

setup: setup-gateway setup-tools setup-python setup-system setup-services

setup-gateway: setup-node setup-opa setup-models build

setup-node: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

setup-models:
	bash scripts/setup-models.sh

setup-opa:
	bash scripts/setup-tools.sh opa

setup-tools:
	bash scripts/setup-tools.sh

setup-python:
	bash scripts/setup-python.sh

setup-system:
	bash scripts/setup-system.sh

setup-services:
	bash scripts/setup-services.sh

build: setup-node
	npx tsc -p tsconfig.json
	chmod +x dist/gateway/cli/main.js
	npx tsc -p gateway/console/ui/tsconfig.json
	node dist/gateway/console/build.js

start: setup-gateway
	node dist/gateway/cli/main.js start $(ARGS)

test: setup
	$(MAKE) test-policies
	$(MAKE) test-ts
	$(MAKE) test-python
	$(MAKE) test-charts

# On a failure, the failed tests again at the end, where a truncated CI log still shows them.
test-ts:
	npx tap || { npx tap replay --reporter=terse; exit 1; }

test-policies:
	node dist/gateway/cli/main.js policy test policies

test-python:
	bash scripts/test-python.sh

test-charts: setup-node
	bash scripts/test-charts.sh

# Regenerates the config part of charts/termsgate/values.schema.json from gateway/config/schema.ts
# (gateway/config/chart-schema.test.ts fails while the committed file is stale).
chart-schema: setup-node
	npx tsx gateway/config/chart-schema.ts

# Refreshes the console screenshots under docs/ that the README shows (a plain test run writes them to a scratch directory).
screenshots: setup-gateway setup-system
	TERMSGATE_SCREENSHOTS=docs npx tap test/console-browser.test.ts

bench: setup
	node dist/bench/run.js
