# RUN --mount options (on a busybox base): a writable bind mount of the context (the step's
# writes there are thrown away, the step succeeds), a cache mount's uid, gid and mode, one
# cache id under two targets. What the steps see shows in the names of the files they make.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
mkdir d && echo old >d/old
cat >Dockerfile <<'DF'
FROM strata-diff-base
RUN --mount=type=bind,source=d,target=/src,rw echo new >/src/new && touch "/rw-$(cat /src/new)-$(ls /src | tr '\n' '+')"
RUN --mount=type=cache,target=/c,uid=1001,gid=1002,mode=0700 touch "/cache-$(stat -c '%a-%u-%g' /c)"
RUN --mount=type=cache,id=shared,target=/c1 echo x >/c1/f
RUN --mount=type=cache,id=shared,target=/c2 touch "/shared-$(ls /c2 | tr '\n' '+')"
RUN rm /bin/busybox
DF
