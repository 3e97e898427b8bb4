# How stages are named and found: a mixed-case stage name used in lower and upper case, COPY
# --from by index, and a FROM of a stage chosen by a global ARG.
echo one >one; echo two >two
cat >Dockerfile <<'DF'
ARG BASE=first
FROM scratch AS First
COPY one /one
FROM scratch AS second
COPY two /two
FROM ${BASE} AS final
COPY --from=0 /one /from-index
COPY --from=second /two /from-name
COPY --from=FIRST /one /from-upper
DF
