# Variable expansion in each instruction that expands: an ARG before FROM (used in FROM, and
# after it once re-declared), ${V:-default} and ${V:+alt}, $V in COPY sources and destinations,
# WORKDIR, USER and LABEL, an ENV chain (one ENV's pairs see the values before it), an escaped \$
# and quotes, and an ARG's value not kept in the config's Env.
mkdir -p src
echo one >a.txt; echo two-two >src/b.txt
cat >Dockerfile <<'DF'
ARG BASE=scratch
ARG SRC=a.txt
ARG DIR
FROM ${BASE:-busybox}
ARG SRC
ARG DIR=/d1
ARG UNSET
ARG EMPTY=
ENV A=1 B=$A C=${A}x
ENV A=2 B2=$A B3="${A}" B4='$A' B5=\$A B6=pre\${A}post
ENV D=${UNSET:-def} E=${A:+alt} F=${UNSET:+alt}x G=${EMPTY:-e}
COPY $SRC ${DIR}/
COPY src/${UNSET:-b}.txt /d2/${SRC}
COPY ["${SRC}", "$DIR/json-$A"]
WORKDIR ${DIR}/w$A
USER ${UNSET:-7}:${A}
LABEL l=$A${B}-${C} "k$A"="v $D"
DF
