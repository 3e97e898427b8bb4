# COPY --from=${SRC}: BuildKit 20.10 does not expand --from (`failed to parse stage name
# "${SRC}"`); strata refuses it at the flag, saying how to name it instead.
echo two >two
cat >Dockerfile <<'DF'
ARG SRC=second
FROM scratch AS second
COPY two /two
FROM scratch
ARG SRC
COPY --from=${SRC} /two /from-arg
DF
