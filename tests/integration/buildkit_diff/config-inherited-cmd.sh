# Image config on an inherited base (class 2): CMD then ENTRYPOINT in the same stage keeps the
# CMD; HEALTHCHECK NONE; SHELL is recorded; a numeric STOPSIGNAL stays as written.
source "$(dirname "$0")/base-image.inc"
make_base '{"Cmd": ["base-cmd"], "Healthcheck": {"Test": ["CMD", "check"]}, "StopSignal": "SIGUSR1"}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
CMD ["c1"]
ENTRYPOINT ["ep"]
HEALTHCHECK NONE
SHELL ["/bin/zsh", "-c"]
STOPSIGNAL 9
DF
