# Hard links in a stage's files (on a busybox base): COPY --from of a folder holding two names of
# one file; BuildKit keeps the second a hard link (a later RUN sees a link count of 2).
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base AS a
RUN mkdir /out && echo data >/out/a && ln /out/a /out/b
FROM strata-diff-base
COPY --from=a /out /copied/
RUN touch "/links-$(stat -c %h /copied/b)" && rm /bin/busybox
DF
