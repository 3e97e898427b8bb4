#!/usr/bin/env bash
# Pull and push through a real registry (Debian's docker-registry on 127.0.0.1): a locked
# `image "ref"` is pulled, RUN on, and pushed with `-o docker://REF`; skopeo sees the digest
# strata printed; a second program builds on the pushed image; a cached pinned rebuild needs no
# registry, and an uncached pull from a stopped registry fails naming it.
# Usage: bash registry_build.sh STRATA_BINARY
set -euo pipefail
strata=$(realpath "${1:?usage: registry_build.sh STRATA_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$here/fixtures/registry.sh"
cleanup() {
  registry_stop
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export STRATA_STORE=$work/store DOCKER_CONFIG=$work/docker-config

registry_start "$work/registry"
host=$REGISTRY_HOST

bash "$here/fixtures/make-busybox-image.sh" "$work/busybox" > /dev/null
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" "docker://$host/busybox:latest"

mkdir -p "$work/app" "$work/next"
cat > "$work/app/build.strata" <<STRATA
{
  default = image "$host/busybox:latest"
    |> run "echo built-by-strata > /greeting"
    |> cmd [ "/bin/cat" "/greeting" ];
}
STRATA
cd "$work/app"
"$strata" lock > /dev/null 2>&1 || fail "strata lock"

# Build on the pulled base and push the result.
"$strata" build --progress plain -o "docker://$host/app:v1" > "$work/build.out" 2> "$work/build.err" \
  || fail "build: $(cat "$work/build.err")"
digest=$(sed -n 's/^strata: manifest //p' "$work/build.err")
pushed=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$host/app:v1")
[ "$digest" = "$pushed" ] || fail "strata named manifest $digest, the registry holds $pushed"
[ "$(skopeo inspect --tls-verify=false --raw "docker://$host/app:v1" | jq -r .config.digest)" = "$(tail -n 1 "$work/build.out")" ] ||
  fail "the pushed config is not the image ID strata printed"
skopeo inspect --tls-verify=false --config "docker://$host/app:v1" | grep -q '/greeting' || fail "pushed config lacks Cmd"

# The pushed image is a good base: unpack it with skopeo + umoci and read the file RUN wrote.
skopeo copy --quiet --src-tls-verify=false "docker://$host/app:v1" "oci:$work/pulled:v1"
umoci unpack --image "$work/pulled:v1" "$work/bundle" > /dev/null
[ "$(cat "$work/bundle/rootfs/greeting")" = "built-by-strata" ] || fail "pushed rootfs lacks /greeting"

# A second program builds on the pushed image (pulled back by strata).
cat > "$work/next/build.strata" <<STRATA
{ default = image "$host/app:v1" |> run "cat /greeting > /copy"; }
STRATA
cd "$work/next"
"$strata" lock > /dev/null 2>&1 || fail "lock of the pushed image"
grep -q "\"$host/app:v1\": \"$digest\"" strata.lock || fail "lock of the pushed image: $(cat strata.lock)"
"$strata" build --progress plain -o "oci:$work/next-out:v1" > /dev/null 2> "$work/next.err" \
  || fail "build on the pushed image: $(cat "$work/next.err")"

# Pinned and cached: with the registry down, a rebuild hits the cache and makes no request.
registry_stop
"$strata" build --progress plain > "$work/offline.out" 2> "$work/offline.err" \
  || fail "cached pinned build needed the registry: $(cat "$work/offline.err")"
# Uncached, the pull itself fails with a clear message naming the registry.
status=0; "$strata" build --no-cache --progress plain --store "$work/empty-store" > /dev/null 2> "$work/down.err" || status=$?
[ "$status" = 1 ] || fail "pull from a stopped registry: exit $status"
grep -q "cannot reach registry $host" "$work/down.err" || fail "unreachable message: $(cat "$work/down.err")"
echo "registry_build: ok"
