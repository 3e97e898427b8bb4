FROM golang:1.22 AS build
WORKDIR /src
RUN --mount=type=bind,target=/src,rw \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=tmpfs,target=/tmp \
    go build -o /out/app ./cmd/app
RUN --mount=type=secret,id=netrc,target=/root/.netrc,required=true \
    --mount=type=secret,id=token \
    --network=none \
    ["/bin/sh", "-c", "test -s /root/.netrc"]
RUN <<EOF
set -eu
echo "built"
EOF

FROM alpine:3.19
RUN --mount=type=bind,from=build,source=/out,target=/mnt/out \
    --mount=type=bind,source=config,target=/etc/app \
    cp /mnt/out/app /usr/local/bin/app
