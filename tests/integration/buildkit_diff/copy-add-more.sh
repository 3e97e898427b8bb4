# COPY and ADD shapes the other cases lack (on a base with /etc/passwd, /etc/group and a 0700
# /existing): ADD of a wildcard matching two archives (each unpacked), COPY --chown into a
# folder the base has and into folders the COPY makes, WORKDIR as a USER over a folder the
# base has and a new one; ARG with two pairs, an empty quoted default, a default from another
# variable's default, ENV's old form with a `%`.
source "$(dirname "$0")/base-image.inc"
make_base '{"Env": ["PATH=/bin"]}'
mkdir -p x y
echo one >x/one; echo two >y/two
tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -cf a1.tar x
tar --numeric-owner --owner=0 --group=0 --mtime=@0 --sort=name -czf a2.tar.gz y
rm -r x y
echo f >f
cat >Dockerfile <<'DF'
FROM strata-diff-base
ADD a*.tar* /unpacked/
COPY --chown=app:grp f /existing/sub/f
COPY --chown=app f /newtop/deep/f
USER app
WORKDIR /existing
WORKDIR /made/by/app
USER root
ARG a=1 b=2
ENV myenv foo%sbar
ARG foo=""
ENV bar=x${foo}y ab=$a$b
ARG FOO=${BAR:-default}
ENV baz=$FOO
DF
