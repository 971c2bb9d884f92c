# The whole product in one container: the host, its managed PostgreSQL 15 and its managed desktop (Xvfb, XFCE,
# x11vnc, Firefox ESR, Thunderbird). Built by `build/image`, which publishes the host self-contained outside Docker
# and passes artifacts/image/context as the build context (no SDK, no npm, no build tools in the image):
#   build/image && docker run -p 9990:9990 -v bytebot:/data -e ANTHROPIC_API_KEY=... bytebot
# `build/image --debootstrap` makes BASE from the Debian mirror when no other registry is reachable.
ARG BASE=debian:bookworm-slim

# The packages, kept as their own tagged image by build/image: rebuilding the app never reinstalls them.
FROM ${BASE} AS runtime
# Nothing in the image reads documentation, man pages or translations (42 of the debootstrap base's 117 MB).
RUN printf '%s\n' 'path-exclude=/usr/share/doc/*' 'path-include=/usr/share/doc/*/copyright' \
        'path-exclude=/usr/share/man/*' 'path-exclude=/usr/share/info/*' 'path-exclude=/usr/share/locale/*' \
        'path-include=/usr/share/locale/locale.alias' > /etc/dpkg/dpkg.cfg.d/bytebot-excludes
COPY setup /opt/bytebot/setup
RUN /opt/bytebot/setup --image && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
# initdb and postgres refuse root, and the desktop should not be root's: the host runs as an unprivileged user.
RUN useradd --create-home --uid 1000 --user-group --shell /bin/bash bytebot \
    && install -d -o bytebot -g bytebot -m 0700 /data

FROM runtime
COPY container-healthcheck /opt/bytebot/healthcheck
COPY app/ /opt/bytebot/app/
# OMP_THREAD_LIMIT=1 must be set before libgomp loads: with more threads OCR was 5-10x slower on 2 cores.
ENV BYTEBOT_DATA_DIR=/data \
    ASPNETCORE_URLS=http://+:9990 \
    LANG=C.UTF-8 \
    OMP_THREAD_LIMIT=1
USER bytebot
WORKDIR /home/bytebot
VOLUME /data
EXPOSE 9990
# The host stops in order on SIGTERM: agent, desktop (SIGTERM to each child it started, SIGKILL after 3 s), then
# `pg_ctl stop -m fast`. tini is PID 1: it forwards the signal and reaps what the desktop's apps orphan.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 CMD ["/opt/bytebot/healthcheck"]
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/bytebot/app/Bytebot.Host"]

ARG BASE
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="Bytebot for .NET" \
      org.opencontainers.image.description="Self-hosted AI desktop agent with its own PostgreSQL and desktop" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${BASE}"
