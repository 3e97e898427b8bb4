#!/usr/bin/env bash
# A RUN heredoc that starts with #! runs as a script by its interpreter (BuildKit's rule): the
# body is mounted at /dev/pipes/NAME and nothing of it stays in the image.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx"
cat >"$T/w/ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox
RUN <<EOF
#!/bin/sh -e
echo "script $0 as $(id -u)" > /result
EOF
DOCKERFILE
build -f ctx/Dockerfile --build-context "busybox=oci-layout://$T/busybox-layout:latest" -o "oci:$T/image:latest" \
  || { cat "$T/err"; fail "build failed"; }
umoci unpack --image "$T/image:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/result")" = "script /dev/pipes/EOF as 0" ] || fail "the script wrote '$(cat "$T/bundle/rootfs/result")'"
[ ! -e "$T/bundle/rootfs/dev/pipes" ] || fail "the script's mount point stayed in the image"
echo "dockerfile_heredoc_script: ok"
