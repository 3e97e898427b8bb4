#!/usr/bin/env bash
# ONBUILD through a registry: an image with triggers is pushed to Debian's docker-registry on
# 127.0.0.1; a Dockerfile whose FROM names it there runs the triggers right after its FROM.
source "$(dirname "$0")/lib.sh"

registry_pid=
stop_registry() { [ -z "$registry_pid" ] || { kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null || true; }; cleanup; }
trap stop_registry EXIT
export DOCKER_CONFIG=$T/docker-config
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s\nhttp:\n  addr: %s\n' \
  "$T/registry" "$host" >"$T/registry.yml"
docker-registry serve "$T/registry.yml" >>"$T/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -sf "http://$host/v2/" >/dev/null && break; sleep 0.1; done
curl -sf "http://$host/v2/" >/dev/null || fail "docker-registry did not start: $(cat "$T/registry.log")"

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
