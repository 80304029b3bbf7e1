# sellergate: a static binary on a minimal, non-root image.
# docker build -t sellergate . && docker run -v $PWD/etc:/etc/sellergate -v sg-data:/var/lib/sellergate -p 587:2587 sellergate
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN VERSION=$VERSION OUT=/out/sellergate build/image.sh
# The volumes' mount points, owned by nonroot (65532): a fresh named volume
# takes the ownership of the image's directory, and WORKDIR alone creates it
# as root under the classic builder, kaniko and buildah.
RUN mkdir -p /out/state/queue /out/state/outbox /out/etc

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/sellergate /usr/local/bin/sellergate
COPY --from=build --chown=65532:65532 /out/state /var/lib/sellergate
COPY --from=build /out/etc /etc/sellergate
USER nonroot:nonroot
WORKDIR /var/lib/sellergate
VOLUME ["/etc/sellergate", "/var/lib/sellergate"]
EXPOSE 2587 2465 2525 9587
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/sellergate", "health", "--url", "http://127.0.0.1:9587/readyz"]
ENTRYPOINT ["/usr/local/bin/sellergate"]
CMD ["serve", "--config", "/etc/sellergate/sellergate.yaml"]
