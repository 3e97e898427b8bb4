# A RUN's environment when an ARG and an ENV set one name (on a busybox base whose Env sets B):
# the later of the two wins inside RUN as in expansion, a bare ARG leaves the ENV's value, an
# ARG overrides the base image's Env for the step only, and a stage built FROM this one starts
# from its image Env. The values show in the names of the files the RUNs make.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin", "B=base"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base AS a
ENV U=42
ARG U=7
ARG V=1
ENV V=2
ENV W=env
ARG W
ARG B=arg
RUN touch "/a-U$U-V$V-W$W-B$B" && echo "U=$U V=$V W=$W B=$B" >/a-env && env | grep -c '^U=' >/a-count
FROM a
RUN touch "/b-U$U-V$V-W$W-B$B"
ARG U=8
ENV B=env2
RUN touch "/b2-U$U-B$B" && rm /bin/busybox
DF
