#!/usr/bin/env bash
# A cache mount's id is a name, never a path: `id = ".."` (a program's runWith caches, a
# Dockerfile's RUN --mount=type=cache,id=..) and `id = "."` get a cache folder of their own
# under STORE/cache. Before, ".." mounted the store itself read-write into the step (which could
# rewrite the records and blobs later builds trust) and "." the folder of every other cache.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  probe = id: base |> runWith { caches = [ { target = "/c"; inherit id; } ]; }
    "ls -a /c > /seen; echo from-the-step > /c/planted";
in {
  parent = probe "..";
  here = probe ".";
  shared = base |> runWith { caches = [ { target = "/c"; id = "other"; } ]; } "echo other > /c/o";
}
STRATA
cat >"$T/w/Dockerfile" <<'DOCKERFILE'
FROM busybox-layout
RUN --mount=type=cache,id=..,target=/c ls -a /c > /seen-df; echo from-the-dockerfile > /c/planted-df
DOCKERFILE

# expect_cache_only NAME LISTING: `ls -a` of a step's cache shows no store or caches folder.
expect_cache_only() {
  for name in nodes blobs store.lock other; do
    grep -qx "$name" "$2" && fail "$1: the step's cache is not its own: $(tr '\n' ' ' <"$2")"
  done
  true
}
build shared || { cat "$T/err"; fail "build of shared"; }
for target in parent here; do
  build "$target" -o "oci:$T/$target:x" || { cat "$T/err"; fail "build of $target"; }
  umoci unpack --image "$T/$target:x" "$T/bundle-$target" >/dev/null
  expect_cache_only "$target" "$T/bundle-$target/rootfs/seen"
done
(cd "$T/w" && "$STRATA" build --progress plain -f Dockerfile \
  --build-context busybox-layout=oci-layout://"$T/w/busybox-layout:latest" -o "oci:$T/df:x") \
  >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build of the Dockerfile"; }
umoci unpack --image "$T/df:x" "$T/bundle-df" >/dev/null
expect_cache_only Dockerfile "$T/bundle-df/rootfs/seen-df"
# The same id is the same cache, as in BuildKit: the program's ".." step planted its file there.
grep -qx planted "$T/bundle-df/rootfs/seen-df" || fail "the Dockerfile's id=.. is not the program's cache"
# Nothing a step wrote landed in the store or beside the other caches.
for f in "$STRATA_STORE/planted" "$STRATA_STORE/planted-df" "$STRATA_STORE/cache/planted"; do
  [ ! -e "$f" ] || fail "a step wrote $f"
done
"$STRATA" store verify --store "$STRATA_STORE" >"$T/verify" 2>&1 || { cat "$T/verify"; fail "the store does not verify"; }
echo PASS
