#!/usr/bin/env bash
# Installs the pinned Go tools (OPA, Helm, kubeconform) into .tools/bin from the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
export GOBIN="$PWD/.tools/bin"
mkdir -p "$GOBIN"
install_tool() { # binary module version
  local bin=$1 module=$2 version=$3 stamp="$GOBIN/.$1.version"
  if [[ -x "$GOBIN/$bin" && "$(cat "$stamp" 2>/dev/null)" == "$version" ]]; then return; fi
  echo "installing $module@$version"
  go install "$module@$version"
  echo "$version" > "$stamp"
}
install_tool opa github.com/open-policy-agent/opa v1.22.3
install_tool helm helm.sh/helm/v3/cmd/helm v3.22.0
install_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.7.0
