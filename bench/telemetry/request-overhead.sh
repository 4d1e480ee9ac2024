#!/usr/bin/env bash
# CPU time per request of a demo gateway (mock provider in-process) with telemetry off
# (OTEL_SDK_DISABLED), metrics only (the default), and metrics with OTLP tracing. CPU time rather than
# throughput, so that other load on the machine disturbs the comparison less.
# usage: bash bench/telemetry/request-overhead.sh [ROUNDS] [REQUESTS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
requests=${2:-3000}
key=tg-demo-overhead-$RANDOM$RANDOM
body='{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello there"}],"max_tokens":16}'
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
port=$((20000 + RANDOM % 20000))

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
load() { # port count
  npx autocannon -c 8 -a "$2" -m POST -H "authorization=Bearer $key" -H "content-type=application/json" -b "$body" \
    "http://127.0.0.1:$1/v1/chat/completions" > /dev/null 2>&1
}

for round in $(seq 1 "$rounds"); do
  for mode in off metrics traces; do
    case $mode in
      off) envs=(OTEL_SDK_DISABLED=true) ;;
      metrics) envs=() ;;
      # Nothing listens there: spans are built, batched and serialised, then the export fails.
      traces) envs=(OTEL_TRACES_EXPORTER=otlp OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9) ;;
    esac
    port=$((port + 1))
    rm -rf "${data:?}"/*
    env "${envs[@]}" TERMSGATE_DEMO_KEY="$key" node --import tsx gateway/cli/main.ts start --demo --port "$port" --data-dir "$data" > /dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do curl -s -m 1 "http://127.0.0.1:$port/readyz" > /dev/null && break; sleep 1; done
    load "$port" 1000
    t0=$(cpu_ticks "$pid")
    load "$port" "$requests"
    t1=$(cpu_ticks "$pid")
    echo "round $round $mode: $(( (t1 - t0) * 1000000 / $(getconf CLK_TCK) / requests )) us CPU/request"
    kill "$pid"
    wait "$pid" 2> /dev/null || true
  done
done
