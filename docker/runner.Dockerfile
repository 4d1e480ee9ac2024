# syntax=docker/dockerfile:1
# termsgate distillation runner on a CUDA base. Build from the repository root:
#   docker build -f docker/runner.Dockerfile -t termsgate/runner:0.1.0 .
# PyTorch's wheels bring their own CUDA libraries; the base image supplies the CUDA runtime layout and
# the NVIDIA container toolkit hooks (driver libraries are mounted by the device plugin at run time).

ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${CUDA_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# The base image tag pins the distribution; Ubuntu drops superseded package versions, so pinning them breaks rebuilds.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv python3-pip \
 && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/runner
COPY training-runner/pyproject.toml /src/training-runner/pyproject.toml
COPY training-runner/termsgate_runner /src/training-runner/termsgate_runner
RUN /opt/runner/bin/pip install /src/training-runner

FROM ${CUDA_IMAGE} AS runtime
ENV DEBIAN_FRONTEND=noninteractive \
    PATH=/opt/runner/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HF_HOME=/tmp/hf \
    HOME=/tmp
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 10001 --create-home --home-dir /home/runner runner \
 && mkdir -p /checkpoints /work \
 && chown runner:runner /checkpoints /work
COPY --from=build /opt/runner /opt/runner
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["termsgate-runner"]
CMD ["--help"]
