# What a RUN's command sees of its sandbox (on a busybox base): the hostname, the names of its
# environment variables, HOME as root, as a named user and as a uid without a passwd entry,
# the working directory and umask, /etc/hosts. Shown in the names of files the RUNs make.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
RUN mkdir /o && touch "/o/host-$(hostname)" "/o/home-root-$(echo $HOME | tr / _)" "/o/pwd-$(pwd | tr / _)" "/o/umask-$(umask)" "/o/hosts-lines-$(wc -l </etc/hosts)" && for v in $(env | cut -d= -f1); do touch "/o/env-$v"; done
USER app
RUN touch "/tmp/home-app-$(echo $HOME | tr / _)"
USER 4242
RUN touch "/tmp/home-4242-$(echo $HOME | tr / _)"
USER root
RUN rm /bin/busybox
DF
