FROM alpine:3.19
ENV CACHE_ID=gomod
RUN --mount=type=cache,target=/root/.cache/go-build,id=$CACHE_ID,uid=1001,gid=1002,mode=0700,sharing=locked \
    --mount=type=cache,target=/var/cache/apt,id=/var/cache/apt \
    --mount=type=cache,target=/root/.npm,mode=755 \
    --mount=type=bind,target=/src,ro=false \
    --mount=type=bind,source=sub,target=/sub,readwrite=true \
    --mount=type=bind,source=sub,target=/ro \
    make
