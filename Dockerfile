# Build: docker build -t zhidu .   Run: see docker-compose.yml.

FROM rust:1.95-bookworm AS builder
# diesel's postgres feature links libpq; SQLite is bundled (libsqlite3-sys "bundled").
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN cargo build --release -p zhidu-api --locked

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system zhidu \
    && useradd --system --gid zhidu --home-dir /var/lib/zhidu --create-home --shell /usr/sbin/nologin zhidu
COPY --from=builder /app/target/release/zhidu /usr/local/bin/zhidu
USER zhidu
# Without DATABASE_URL the binary keeps SQLite under ./data/, i.e. here.
WORKDIR /var/lib/zhidu
ENV ZHIDU_BIND=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["zhidu"]
CMD ["serve"]
