#!/usr/bin/env bash
# Installs the pinned Go tools into .tools/bin from the Go module proxy.
#   bash scripts/setup-tools.sh                 # all of them: opa helm kubeconform
#   bash scripts/setup-tools.sh opa             # only the ones named (make start needs only OPA)
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
tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(opa helm kubeconform)
for tool in "${tools[@]}"; do
  case $tool in
    opa) install_tool opa github.com/open-policy-agent/opa v1.22.3 ;;
    helm) install_tool helm helm.sh/helm/v3/cmd/helm v3.22.0 ;;
    kubeconform) install_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.7.0 ;;
    *) echo "setup-tools: unknown tool '$tool' (known: opa helm kubeconform)" >&2; exit 2 ;;
  esac
done
