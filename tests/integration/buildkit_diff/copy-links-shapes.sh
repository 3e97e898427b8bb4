# Hard links through COPY in more shapes (on a busybox base): pairs across folders; a source
# folder holding one name of a pair (the other outside it); --chown and --chmod over a pair;
# COPY --from with a wildcard over a folder of links (each match is a source of its own, so no
# links: `glob/q` has a count of 1); a stage whose later RUN appended to one name
# (overlayfs copied it up alone) beside a pair it left alone. The RUN names each link count.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
mkdir -p ctx/sub ctx/other
echo one >ctx/a; ln ctx/a ctx/sub/b
echo two >ctx/sub/c; ln ctx/sub/c ctx/c-outside-sub
echo three >ctx/other/d; ln ctx/other/d ctx/e
cat >Dockerfile <<'DF'
FROM strata-diff-base AS s
RUN mkdir -p /out/w && echo x >/out/w/p && ln /out/w/p /out/w/q && echo y >/out/r && ln /out/r /out/w/s
FROM s AS split
RUN echo more >>/out/w/p
FROM strata-diff-base
COPY ctx /all/
COPY ctx/sub /sub/
COPY --chown=1001:1002 --chmod=0640 ctx /owned/
COPY --from=s /out/w/* /glob/
COPY --from=split /out /split/
RUN for f in /all/a /all/sub/b /all/e /sub/c /owned/a /owned/sub/b /glob/p /glob/q /split/w/p /split/w/q /split/r /split/w/s; do echo "$f $(stat -c %h $f)"; done >/counts && touch "/n-$(stat -c %h /all/sub/b)-$(stat -c %h /all/e)-$(stat -c %h /sub/c)-$(stat -c %h /owned/sub/b)-$(stat -c %h /glob/q)-$(stat -c %h /split/w/q)-$(stat -c %h /split/w/s)" && rm /bin/busybox
DF
