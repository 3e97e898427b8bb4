# An ARG and an ENV of the same name (class 3, on a busybox base): the last one set wins, in
# expansion and in a RUN's environment, and a stage built FROM this one starts from that;
# only ENV goes into the config's Env.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base AS a
ENV U=42
ARG U=7
ARG X=a
ENV X=b
ENV E=$U-$X
RUN echo "$U|$X" >/probe
FROM a
ENV E2=$U-$X
RUN echo "$U|$X" >/probe2 && rm /bin/busybox
DF
