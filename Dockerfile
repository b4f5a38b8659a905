# Build the UI, then the binary that embeds it, then a small runtime image.
FROM node:20-bookworm AS ui
WORKDIR /src
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY . .
RUN cd frontend && npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=ui /src/frontend/dist frontend/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /out/kodera ./cmd/kodera

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates git && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/kodera --create-home kodera
COPY --from=build /out/kodera /usr/local/bin/kodera
USER kodera
ENV KODERA_LISTEN=:8080 KODERA_DATA_DIR=/var/lib/kodera
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["/usr/local/bin/kodera", "version"]
ENTRYPOINT ["/usr/local/bin/kodera"]
CMD ["serve"]
