# Image config on an inherited base (class 2): a shell-form ENTRYPOINT uses the SHELL set
# before it and drops the base's Cmd; a base without PATH in its Env gets the default one.
source "$(dirname "$0")/base-image.inc"
make_base '{"Env": ["A=1"], "Cmd": ["base-cmd"]}'
cat >Dockerfile <<'DF'
FROM strata-diff-base
SHELL ["/bin/zsh", "-c"]
ENTRYPOINT ep $A
ENV P=$PATH
DF
