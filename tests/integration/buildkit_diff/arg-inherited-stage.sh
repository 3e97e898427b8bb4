# ARGs of a stage carry into a stage built FROM it (BuildKit 20.10 copies the base stage's build
# args), both for expansion (ENV) and for a RUN's environment: a stage ARG with a value, a bare
# re-declaration in the child (keeps the parent's value), a re-declared global ARG, an ARG the
# child declares again with another value, and the child's own ARG. A bare re-declaration in the
# same stage keeps the value too (Y). None of them is in the config's Env.
source "$(dirname "$0")/base-image.inc"
make_busybox_base '{"Env": ["PATH=/bin"]}'
cat >Dockerfile <<'DF'
ARG G=global
FROM strata-diff-base AS a
ARG G
ARG V=fromA
ARG W=wA
ARG Y=y1
ARG Y
ARG Z=z1
FROM a AS b
ARG W
ARG X=xB
ARG Z=z2
ENV E1=$V-$W-$G-$X-$Y-$Z
RUN echo "$V|$W|$G|$X|$Y|$Z" >/run-args && rm /bin/busybox
DF
