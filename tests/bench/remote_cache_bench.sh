#!/usr/bin/env bash
# The remote cache's figures (issue 15 item 4): store A's cold build of a two-stage program
# whose RUN writes MB megabytes of random data, its push with --cache-to, and an empty store
# B's fetch-only build with --cache-from, against Debian's docker-registry on 127.0.0.1 with
# htpasswd auth. Prints seconds and bytes; asserts only that B ran nothing and got A's digest.
#   tests/bench/remote_cache_bench.sh [STRATA] [MB]      default: build/runtime/cli/strata 64
set -euo pipefail
strata=$(realpath "${1:-build/runtime/cli/strata}")
mb=${2:-64}
here=$(cd "$(dirname "$0")/../integration" && pwd)
T=$(mktemp -d)
source "$here/fixtures/registry.sh"
trap 'registry_stop; rm -rf "$T"' EXIT
registry_start "$T/registry" bench bench-password
export DOCKER_CONFIG=$T/docker-config
mkdir -p "$DOCKER_CONFIG" "$T/w"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$REGISTRY_HOST" "$(printf 'bench:bench-password' | base64 -w0)" \
  >"$DOCKER_CONFIG/config.json"
bash "$here/fixtures/make-busybox-image.sh" "$T/w/busybox-layout" >/dev/null
cat >"$T/w/build.strata" <<STRATA
let
  base = load ./busybox-layout;
  builder = base |> run "mkdir -p /out && head -c ${mb}000000 /dev/urandom > /out/data && sha256sum /out/data";
in { default = base |> copy (builder / "/out/data") "/data"; }
STRATA
cache=docker://$REGISTRY_HOST/bench/cache
now() { date +%s.%N; }
run() { local store=$1; shift; (cd "$T/w" && STRATA_STORE=$T/$store "$strata" build --progress plain "$@") >"$T/out" 2>"$T/err"; }
t0=$(now); run a || { cat "$T/err"; exit 1; }; t1=$(now)
digest=$(tail -n 1 "$T/out")
run a --cache-to "$cache" || { cat "$T/err"; exit 1; }; t2=$(now)
pushed=$(grep "cache pushed" "$T/err")
t3=$(now); run b --cache-from "$cache" || { cat "$T/err"; exit 1; }; t4=$(now)
fetched=$(grep "remote cache:" "$T/err")
[ "$(tail -n 1 "$T/out")" = "$digest" ] || { echo "FAIL: store B built another digest" >&2; exit 1; }
! grep -q "start  " "$T/err" || { echo "FAIL: store B ran a step" >&2; cat "$T/err" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f s", b - a }'; }
echo "RUN output: ${mb} MB of random data; store A blobs $(du -sb "$T/a/blobs" | cut -f1) bytes"
echo "cold build, store A:          $(elapsed "$t0" "$t1")"
echo "warm build + push (--cache-to): $(elapsed "$t1" "$t2")   [$pushed]"
echo "fetch-only build, store B:    $(elapsed "$t3" "$t4")   [$fetched]; store B blobs $(du -sb "$T/b/blobs" | cut -f1) bytes"
