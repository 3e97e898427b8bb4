# WORKDIR under a USER name in a stage with no /etc/passwd fails (class 2/10), as COPY --chown
# does: BuildKit's mkdir cannot look the name up at all.
cat >Dockerfile <<'DF'
FROM scratch
USER nobody
WORKDIR /data
DF
