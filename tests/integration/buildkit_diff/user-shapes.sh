# USER in the shapes a RUN resolves (on a busybox base): a uid with and without a passwd
# entry, a name, a uid:gid pair with no entries, name:group, name:gid; the supplementary groups
# /etc/group gives a user (`id -G`), and the owners of what each makes.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
RUN echo 'extra:x:3000:app' >>/etc/group && mkdir /out && chmod 1777 /out
USER 1001
RUN touch /out/uid-1001 && id -G >/out/groups-1001
USER app
RUN touch /out/app && id -G >/out/groups-app
USER 4242
RUN touch /out/uid-4242 && id -G >/out/groups-4242
USER 4242:4343
RUN touch /out/pair
USER nobody:grp
RUN touch /out/nobody-grp && id -G >/out/groups-nobody-grp
USER app:65534
RUN touch /out/app-65534 && id -G >/out/groups-app-65534
USER root
RUN rm /bin/busybox
DF
