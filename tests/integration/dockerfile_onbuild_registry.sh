#!/usr/bin/env bash
# ONBUILD through a registry: an image with triggers is pushed to Debian's docker-registry on
# 127.0.0.1; a Dockerfile whose FROM names it there runs the triggers right after its FROM.
source "$(dirname "$0")/lib.sh"

source "$HERE/fixtures/registry.sh"
registry_for_test

mkdir -p "$T/w/parent" "$T/w/child"
cat >"$T/w/parent/Dockerfile" <<'DOCKERFILE'
FROM busybox
ONBUILD RUN echo triggered-from-registry > /onbuild-ran
RUN echo parent > /parent
DOCKERFILE
build -f parent/Dockerfile --build-context "busybox=oci-layout://$T/busybox-layout:latest" \
  -o "docker://$host/parent:1" || { cat "$T/err"; fail "parent build or push failed"; }

cat >"$T/w/child/Dockerfile" <<DOCKERFILE
FROM $host/parent:1
RUN cat /onbuild-ran /parent > /result
DOCKERFILE
build -f child/Dockerfile -o "oci:$T/child:latest" || { cat "$T/err"; fail "child build failed"; }
expect_contains "$T/err" "RUN echo triggered-from-registry > /onbuild-ran"
umoci unpack --image "$T/child:latest" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/result")" = $'triggered-from-registry\nparent' ] \
  || { cat "$T/bundle/rootfs/result"; fail "the registry image's trigger did not run"; }
echo "dockerfile_onbuild_registry: ok"
