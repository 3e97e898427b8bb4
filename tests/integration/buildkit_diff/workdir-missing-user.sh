# WORKDIR under a USER that the stage's /etc/passwd or /etc/group does not list (class 2): BuildKit
# 20.10 builds it, resolving as for COPY --chown (a missing user name gives 0, a missing group
# name the user's primary gid). The last USER is 0 only so that umoci can unpack the image.
source "$(dirname "$0")/base-image.inc"
make_base '{}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
USER nobody
WORKDIR /a/b
USER 4711:nogroup
WORKDIR /c
USER app:nogroup
WORKDIR /d
USER nobody:grp
WORKDIR /e
USER 0
DF
