# WORKDIR below a regular file fails (class 2/10): its mkdir meets "not a directory".
source "$(dirname "$0")/base-image.inc"
make_base '{}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
WORKDIR /bin/hello/x
DF
