# Kodera Packages image: the UI built by node, a static Go binary embedding
# it, and a minimal non-root runtime. Build: `docker build -t kodera/packages .`
# (compose.yaml does it). cmd/kodera/dist_test.go keeps this file honest:
# every COPY source exists and the binary builds with these exact flags.
ARG VERSION=dev

FROM node:22-bookworm-slim AS ui
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
COPY gen/ts/ /src/gen/ts/
RUN npm run build

FROM golang:1.26-bookworm AS build
ARG VERSION
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/frontend/dist/ frontend/dist/
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/kodera-packages/kodera/handlers/api.Version=${VERSION}" -o /out/kodera ./cmd/kodera \
 && mkdir -p /out/data

# distroless/static: CA certificates, tzdata and a nonroot user (65532), no
# shell: the health check is the binary's own `kodera healthcheck`.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kodera /usr/local/bin/kodera
COPY --from=build --chown=65532:65532 /out/data /var/lib/kodera
USER 65532:65532
ENV KODERA_LISTEN=:8080 KODERA_DATA_DIR=/var/lib/kodera KODERA_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/kodera", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/kodera"]
CMD ["serve"]
