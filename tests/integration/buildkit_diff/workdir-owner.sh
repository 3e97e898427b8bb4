# WORKDIR makes its directory in a layer (class 2), as BuildKit's mkdir -p: missing
# directories are 0755 and owned by the USER in effect (a name resolved in /etc/passwd and
# /etc/group, a number alone giving uid and gid); an existing directory keeps its owner and
# mode; `/` makes nothing.
source "$(dirname "$0")/base-image.inc"
make_base '{"User": "app"}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
WORKDIR /existing
WORKDIR /opt/new
USER 5:grp
WORKDIR /existing/sub
USER 7
WORKDIR deeper/still
USER app:0
WORKDIR /x3
USER 0
WORKDIR /
DF
