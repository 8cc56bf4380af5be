# A Chroma server image built from the chromadb pip package (`chroma run`), for machines that cannot
# pull chromadb/chroma. Same port (8000), data directory (/data) and entrypoint (`chroma`) as that image.
#   podman build --network=host --build-arg BASE=localhost/debian:bookworm \
#     -f deploy/images/chroma.Dockerfile -t localhost/chroma:1.5.9 deploy/images
ARG BASE=debian:bookworm-slim
FROM ${BASE}
# The same version as the chromadb client in cxbot (pyproject.toml).
ARG CHROMADB_VERSION=1.5.9
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# hadolint ignore=DL3008
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/* \
    && python3 -m venv /opt/chroma \
    && /opt/chroma/bin/pip install -q "chromadb==${CHROMADB_VERSION}" \
    && find /opt/chroma -name '__pycache__' -prune -exec rm -rf {} + \
    && useradd --system --uid 10002 --home-dir /data --shell /usr/sbin/nologin chroma \
    && mkdir -p /data && chown chroma:chroma /data
ENV PATH=/opt/chroma/bin:$PATH ANONYMIZED_TELEMETRY=False
USER 10002
VOLUME ["/data"]
EXPOSE 8000
ENTRYPOINT ["chroma"]
CMD ["run", "--path", "/data", "--host", "0.0.0.0", "--port", "8000"]
