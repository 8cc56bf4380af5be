# nginx from Debian's package, for machines that cannot pull nginx:*-alpine. Like the official image it
# reads /etc/nginx/conf.d/*.conf, logs to stdout/stderr and runs in the foreground.
#   podman build --network=host --build-arg BASE=localhost/debian:bookworm \
#     -f deploy/images/nginx.Dockerfile -t localhost/nginx:debian deploy/images
ARG BASE=debian:bookworm-slim
FROM ${BASE}
# hadolint ignore=DL3008
RUN apt-get update -q && apt-get install -y -q --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
    && ln -sf /dev/stdout /var/log/nginx/access.log \
    && ln -sf /dev/stderr /var/log/nginx/error.log
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
