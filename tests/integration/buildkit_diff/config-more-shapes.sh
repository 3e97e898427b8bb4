# Config instructions in shapes the other cases lack (on a busybox base): `# escape=` backtick
# with a continued LABEL of quoted keys and values, SHELL then CMD, ENTRYPOINT and HEALTHCHECK
# in shell form, relative WORKDIR chains with ENV, EXPOSE ranges and upper-case protocols, a
# numeric STOPSIGNAL, USER name:group.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
# escape=`
FROM strata-diff-base
SHELL ["/bin/sh", "-ec"]
ENV DIR=sub
WORKDIR rel
WORKDIR $DIR/deeper
WORKDIR ../up
RUN touch here
EXPOSE 80-81/udp 443/TCP 8080
LABEL "key with space"="v a l" `
  multi="line one" other='single $DIR' `
  esc="a`"b"
STOPSIGNAL 9
HEALTHCHECK --interval=5s --timeout=3s --start-period=1s --retries=2 CMD echo "ok $DIR"
USER app:grp
CMD echo "$DIR"
ENTRYPOINT echo hi
RUN touch /tmp/by-app
USER root
RUN rm /bin/busybox
DF
