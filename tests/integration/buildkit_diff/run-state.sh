# State a RUN leaves (class 4, on a busybox base): files made under the default umask, as root,
# as a USER with and without a group and as `nobody` in /tmp, a SHELL's arguments around the
# command, a base file deleted (whiteout), a base folder replaced by a file, a symlink made.
# The last RUN deletes /bin/busybox (its size is the machine's busybox-static).
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
RUN mkdir /made && touch /made/root-file && echo x >/made/echo-file
USER app
RUN touch /home/app/by-app && mkdir /home/app/dir-by-app
USER app:nogroup
RUN touch /home/app/by-app-nogroup
USER nobody
RUN touch /tmp/by-nobody && mkdir /tmp/dir-by-nobody
USER root
SHELL ["/bin/sh", "-c", "echo \"$0|$1\" >/shell-args", "named"]
RUN the command
SHELL ["/bin/sh", "-c"]
RUN rm /bin/ls
RUN rm -r /existing && echo file >/existing
RUN mkdir /newdir && ln -s /newdir /lnk
RUN rm /bin/busybox
DF
