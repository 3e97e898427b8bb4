# Hard links in the context (on a busybox base): BuildKit keeps two names of one file a hard
# link (a later RUN sees a link count of 2), and a later RUN appending to one name leaves the
# other as it was (overlayfs copies the name up alone); an ADD of an archive's hard link keeps
# it a link too.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
mkdir -p ctx t
echo data >ctx/a; ln ctx/a ctx/b
echo tar >t/x; ln t/x t/y
tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf links.tar t
rm -r t
cat >Dockerfile <<'DF'
FROM strata-diff-base
COPY ctx /copied/
ADD links.tar /unpacked/
RUN echo more >>/copied/a && echo more >>/unpacked/t/x && touch "/links-$(stat -c %h /copied/b)-$(stat -c %h /unpacked/t/y)"
RUN rm /bin/busybox
DF
