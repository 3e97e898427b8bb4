#!/usr/bin/env bash
# examples/seeds/go built from Debian's Go toolchain: `default` (on a ca-certificates/netbase/
# tzdata base) under `strata run`, `minimal` (the static binary on scratch) under `docker load` +
# `docker run`; each answers GET / with 200 and "hello" as a non-root user, and holds no
# compiler, package manager or shell. Editing main.go re-runs the build but not `go mod
# download`; two empty stores give the same digests. The Dockerfile (FROM the Strata-built
# toolchain base) serves too, and `strata import` of it builds to the same digest.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fixtures/app_checks.sh"
source "$(dirname "$0")/fixtures/dockerd.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
cp -r "$HERE/../../examples/seeds/go" "$T/w"

build default -o "oci:$T/layout:default" || { cat "$T/err"; fail "default did not build"; }
d_default=$(digest)
build minimal -o "oci:$T/layout:minimal" -o "docker-archive:$T/minimal.tar:seeds/go:minimal" \
  || { cat "$T/err"; fail "minimal did not build"; }
d_minimal=$(digest)

for target in default minimal; do
  umoci unpack --image "$T/layout:$target" "$T/$target" >/dev/null
  NOSHELL=1 check_no_tools "$T/$target/rootfs"
done
# minimal is the binary alone.
[[ $(find "$T/minimal/rootfs" -mindepth 1 | sed "s|$T/minimal/rootfs||") == /server ]] \
  || fail "minimal holds more than /server: $(find "$T/minimal/rootfs" -mindepth 1)"
[[ -f $T/default/rootfs/etc/ssl/certs/ca-certificates.crt ]] || fail "default has no CA bundle"

serve_strata_run default

start_dockerd
dk load -i "$T/minimal.tar" >"$T/load" 2>&1 || { cat "$T/load"; fail "docker load failed"; }
dk run -d --name go-minimal --pull=never --network=none seeds/go:minimal >/dev/null \
  || { tail -n 20 "$D/dockerd.log" >&2; fail "docker run failed"; }
check_served "$(dk inspect -f '{{.State.Pid}}' go-minimal)" "docker run minimal"
dk rm -f go-minimal >/dev/null

# The Dockerfile (FROM golang, the Debian toolchain base; the binary on scratch) and its import.
NOSHELL=1 check_dockerfile golang=golang

# One changed source file: the module step is a cache hit, the build step runs.
echo "// edited" >>"$T/w/main.go"
build minimal || { cat "$T/err"; fail "rebuild after an edit failed"; }
grep -E 'cached +exec .*"go","mod","download"' "$T/err" >/dev/null || { cat "$T/err"; fail "go mod download ran again"; }
grep -E 'start +exec .*"go","build"' "$T/err" >/dev/null || { cat "$T/err"; fail "go build did not run again"; }
sed -i '$d' "$T/w/main.go"

# Two empty stores, the same digests.
STRATA_STORE=$T/store2 build default || { cat "$T/err"; fail "default in a second store"; }
[[ $(digest) == "$d_default" ]] || fail "default: $d_default, then $(digest) in another store"
STRATA_STORE=$T/store2 build minimal || { cat "$T/err"; fail "minimal in a second store"; }
[[ $(digest) == "$d_minimal" ]] || fail "minimal: $d_minimal, then $(digest) in another store"
echo PASS
