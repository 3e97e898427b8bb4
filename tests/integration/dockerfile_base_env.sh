#!/usr/bin/env bash
# `$VAR` in ENV expands with the base image's Env, as in BuildKit: `ENV PATH=/opt/bin:$PATH`
# keeps the base's PATH; RUN sees it; `strata import` of the Dockerfile builds to the same digest.
source "$(dirname "$0")/lib.sh"

BB="busybox=oci-layout://$T/busybox-layout:latest"
mkdir -p "$T/w/ctx"
cat >"$T/w/ctx/Dockerfile" <<'DOCKERFILE'
FROM busybox
ENV PATH=/opt/bin:$PATH
RUN echo "$PATH" > /path.txt
DOCKERFILE
build -f ctx/Dockerfile --build-context "$BB" -o "oci:$T/image:latest" || { cat "$T/err"; fail "build failed"; }
expected=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
direct=$(digest)
umoci unpack --image "$T/image:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/path.txt")" = "$expected" ] || fail "RUN saw PATH=$(cat "$T/bundle/rootfs/path.txt")"
jq -r '.process.env[]' "$T/bundle/config.json" | grep -qx "PATH=$expected" \
  || { jq '.process.env' "$T/bundle/config.json"; fail "the image's PATH is not $expected"; }

(cd "$T/w" && "$STRATA" import --build-context "$BB" -o ctx/build.strata ctx/Dockerfile) || fail "import failed"
expect_contains "$T/w/ctx/build.strata" "$expected"
build -f ctx/build.strata || { cat "$T/err"; fail "building the translation failed"; }
[ "$(digest)" = "$direct" ] || fail "the translation builds to $(digest), the Dockerfile to $direct"
echo "dockerfile_base_env: ok"
