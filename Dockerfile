# syntax=docker/dockerfile:1
#
# AgentOS control plane image: `controlplane serve` against an external PostgreSQL
# (DATABASE_URL or POSTGRES_*). The image has no PostgreSQL server, so the embedded mode of
# `swift run controlplane serve` is not available in it.
#
#   docker build -t agentos-controlplane .
#   docker run --read-only -p 8080:8080 \
#       -e DATABASE_URL=postgres://... -e CONTROL_PLANE_MASTER_KEY_FILE=/run/secrets/kek \
#       -e CONTROL_PLANE_ISSUER=https://cp.example.com -v "$PWD/kek:/run/secrets/kek:ro" \
#       agentos-controlplane
#
# See docs/operations.md ("Container") and deploy/compose, deploy/kubernetes.

# The toolchain this repository is built and tested with (Swift 6.3.1, Debian 12).
ARG SWIFT_IMAGE=swift:6.3.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${SWIFT_IMAGE} AS build
WORKDIR /src

# RS256 signs on the system's OpenSSL 3 (the COpenSSL system-library target). Unpinned, as in
# the runtime stage below (DL3008).
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*

# Resolve dependencies in their own layer: it is reused while only sources change.
COPY Package.swift ./
RUN --mount=type=cache,target=/src/.build swift package resolve

COPY . .
# --static-swift-stdlib links the Swift runtime and Foundation into the binary; what remains
# dynamic is glibc, libm, libstdc++, libgcc_s and libcurl (FoundationNetworking, for the CLI's
# client commands; linking it needs libcurl.so from libcurl4-openssl-dev, which the Swift image
# has). --strip-debug drops the DWARF (~55 MB) and keeps the symbol table, so crash backtraces
# still name functions (without line numbers).
RUN --mount=type=cache,target=/src/.build \
    swift build -c release --product controlplane --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/controlplane" /staging/usr/local/bin/controlplane \
    && strip --strip-debug /staging/usr/local/bin/controlplane \
    && swift build -c release --product agentos-gateway --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/agentos-gateway" /staging/usr/local/bin/agentos-gateway \
    && strip --strip-debug /staging/usr/local/bin/agentos-gateway \
    && install -D -m 0755 /usr/libexec/swift/linux/swift-backtrace-static /staging/usr/local/libexec/swift-backtrace-static \
    && install -d /staging/usr/share/controlplane/migrations \
    && install -m 0644 Migrations/*.sql /staging/usr/share/controlplane/migrations/ \
    && install -d /staging/usr/share/controlplane/console \
    && install -m 0644 Console/* /staging/usr/share/controlplane/console/

# ---------------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime

# libcurl4: FoundationNetworking; libssl3: RS256 signatures (OpenSSL's libcrypto); ca-certificates: TLS to PostgreSQL (sslmode=prefer/require
# verify the server certificate); tzdata: Foundation time zones; curl: the HEALTHCHECK below
# (same libcurl, ~0.3 MB more). Versions are not pinned (DL3008): bookworm's point and security
# releases replace them, so a pin breaks the build within weeks; the base image tag fixes the
# release and a rebuild picks up security fixes.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libcurl4 libssl3 libstdc++6 tzdata \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged identity (Kubernetes' runAsNonRoot needs a numeric USER).
RUN groupadd --system --gid 10001 controlplane \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin controlplane

COPY --from=build /staging/ /

# Nothing is written at run time against an external database: no data directory, no generated
# secrets (master.key/admin.key exist only in embedded mode), logs go to stderr. The root file
# system can therefore be read-only; /tmp is the only place worth a tmpfs.
ENV CONTROL_PLANE_HOST=0.0.0.0 \
    CONTROL_PLANE_PORT=8080 \
    CONTROL_PLANE_MIGRATIONS_DIR=/usr/share/controlplane/migrations \
    CONTROL_PLANE_CONSOLE_DIR=/usr/share/controlplane/console \
    LOG_LEVEL=info \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/libexec/swift-backtrace-static

USER 10001:10001
EXPOSE 8080

# /ready: the database answers within 2 s and no migration is pending (503 otherwise).
HEALTHCHECK --interval=10s --timeout=4s --start-period=60s --retries=3 \
    CMD ["/bin/sh", "-c", "curl -fsS -o /dev/null --max-time 3 http://127.0.0.1:${CONTROL_PLANE_PORT:-8080}/ready || exit 1"]

# SIGTERM drains in-flight requests (ServiceGroup graceful shutdown).
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/controlplane"]
CMD ["serve"]
