# RUN --mount of each type 20.10 takes, with targets the base lacks (on a busybox base): what a
# step's mounts leave in its layer, and what the command sees through them.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
mkdir -p ctxdir/sub
echo bound >ctxdir/sub/file
cat >Dockerfile <<'DF'
FROM strata-diff-base
RUN --mount=type=bind,source=ctxdir/sub,target=/mnt/bound ls /mnt/bound >/seen-bind
RUN --mount=type=cache,target=/var/cache/x,id=one,sharing=locked echo c >/var/cache/x/f && ls /var/cache/x >/seen-cache
RUN --mount=type=tmpfs,target=/scratchpad echo t >/scratchpad/f && ls /scratchpad >/seen-tmpfs
RUN --mount=type=bind,target=/ctx,source=. cat /ctx/ctxdir/sub/file >/seen-ctx
RUN rm /bin/busybox
DF
