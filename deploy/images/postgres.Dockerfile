# PostgreSQL from Debian's packages, for machines that cannot pull postgres:16. Takes the official
# image's POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB on first start and keeps its data in
# /var/lib/postgresql/data.
#   podman build --network=host --build-arg BASE=localhost/debian:bookworm \
#     -f deploy/images/postgres.Dockerfile -t localhost/postgres:debian deploy/images
ARG BASE=debian:bookworm-slim
FROM ${BASE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# uid 999 as in the official image. No cluster at install time: the entrypoint makes one in the
# volume on first start.
# hadolint ignore=DL3008
RUN groupadd --system --gid 999 postgres \
    && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
    && apt-get update -q && apt-get install -y -q --no-install-recommends postgresql-common \
    && sed -ri 's/^#?\s*create_main_cluster.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
    && apt-get install -y -q --no-install-recommends postgresql \
    && rm -rf /var/lib/apt/lists/* \
    && ln -s "$(ls -d /usr/lib/postgresql/*/bin)" /usr/local/lib/pgbin \
    && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
    && install -d -o postgres -g postgres -m 2775 /var/run/postgresql
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint
ENV PGDATA=/var/lib/postgresql/data
USER 999
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["postgres-entrypoint"]
