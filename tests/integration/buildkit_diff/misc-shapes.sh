# Odd corners (on a busybox base): WORKDIR through an unset variable, ADD of an archive to a
# destination without `/` that does not exist, COPY of an empty folder, a RUN writing under a
# VOLUME (BuildKit keeps it), --chown from an ARG, EXPOSE adding to a base's ports.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"], "ExposedPorts": {"80/tcp": {}}}'
mkdir -p t empty
echo aaa >t/a.txt
tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -czf a.tgz t
rm -r t
cat >Dockerfile <<'DF'
FROM strata-diff-base
ARG OWNER=app:grp
WORKDIR $UNSET/from-unset
ADD a.tgz /unpacked-here
COPY empty /empty-copy
COPY --chown=$OWNER a.tgz /owned/
VOLUME /data
RUN mkdir -p /data && echo x >/data/f
EXPOSE 80 443
RUN rm /bin/busybox
DF
