# HEALTHCHECK --retries=0: BuildKit 20.10 wants at least 1 (`--retries must be at least 1
# (not 0)`), as for a negative count.
cat >Dockerfile <<'DF'
FROM scratch
HEALTHCHECK --retries=0 CMD ["/bin/check"]
DF
