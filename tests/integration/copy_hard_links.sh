#!/usr/bin/env bash
# Hard links through COPY (docs/dockerfile.md): two names of one file in the build context, in
# a Strata program's local source and in a stage's files (COPY --from) are one file and a tar
# hard link in the COPY's layer, as BuildKit keeps them (a later RUN sees a link count of 2).
# The key covers the links: unlinking the two names (same bytes) gives another image, linking
# them again the first one, all in one store. Names that a later RUN split (overlayfs copied one
# up) are two files.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx/d/sub"
echo data >"$T/w/ctx/d/a"
ln "$T/w/ctx/d/a" "$T/w/ctx/d/sub/b"
echo data >"$T/w/ctx/d/c"
cat >"$T/w/ctx/Dockerfile" <<'DF'
FROM busybox
COPY d /copied/
RUN stat -c %h /copied/sub/b /copied/c >/nlink
DF
BB="busybox=oci-layout://$T/busybox-layout:latest"

# The tar listing (tar tv) of the image's layer N (1 = the base's) in layout:tag.
layer_listing() {
  local layout=${1%:*} tag=${1##*:} manifest blob
  manifest=$(jq -r --arg t "$tag" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' "$layout/index.json")
  blob=$(jq -r ".layers[$(($2 - 1))].digest" "$layout/blobs/sha256/${manifest#sha256:}")
  tar -tvf "$layout/blobs/sha256/${blob#sha256:}"
}
build_ctx() {
  build -f ctx/Dockerfile --build-context "$BB" -o "oci:$T/layout:$1" || { cat "$T/err"; fail "build $1 failed"; }
  digest
}

linked=$(build_ctx linked)
layer_listing "$T/layout:linked" 2 >"$T/copy-layer"
expect_contains "$T/copy-layer" "copied/sub/b link to copied/a"
grep -q ' copied/c$' "$T/copy-layer" || fail "copied/c is not a file of its own: $(cat "$T/copy-layer")"
umoci unpack --image "$T/layout:linked" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/nlink")" = $'2\n1' ] || fail "link counts in the RUN: $(cat "$T/bundle/rootfs/nlink")"
rm -rf "$T/bundle"

# Unlinked, same bytes: another key, two files.
rm "$T/w/ctx/d/sub/b" && echo data >"$T/w/ctx/d/sub/b"
unlinked=$(build_ctx unlinked)
[ "$unlinked" != "$linked" ] || fail "unlinking two names kept the image $linked"
layer_listing "$T/layout:unlinked" 2 >"$T/copy-layer"
expect_not_contains "$T/copy-layer" "link to"
grep -q ' copied/sub/b$' "$T/copy-layer" || fail "copied/sub/b is not a file: $(cat "$T/copy-layer")"
# Linked again: the first image, served by the store.
rm "$T/w/ctx/d/sub/b" && ln "$T/w/ctx/d/a" "$T/w/ctx/d/sub/b"
[ "$(build_ctx relinked)" = "$linked" ] || fail "linking again did not give the first image"
expect_contains "$T/err" "cached exec"
# In a fresh store, the same image (the cached result is what a fresh build gives).
[ "$(STRATA_STORE=$T/store2 build_ctx fresh)" = "$linked" ] || fail "a fresh store built another image"

# A Strata program's copy of the same directory: the same links.
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
{ default = load ./busybox-layout |> copy ./ctx/d "/copied/"; }
STRATA
build -o "oci:$T/layout:program" || { cat "$T/err"; fail "program build failed"; }
layer_listing "$T/layout:program" 2 >"$T/copy-layer"
expect_contains "$T/copy-layer" "copied/sub/b link to copied/a"
BB="busybox=oci-layout://$T/w/busybox-layout:latest"

# COPY --from a stage: its names stay links; a RUN that appended to one name (copied up by
# overlayfs into its own layer) split them, so those are two files.
cat >"$T/w/ctx/Dockerfile" <<'DF'
FROM busybox AS a
RUN mkdir /out && echo data >/out/a && ln /out/a /out/b
FROM a AS split
RUN echo more >>/out/a
FROM busybox
COPY --from=a /out /linked/
COPY --from=split /out /split/
RUN stat -c %h /linked/b /split/b >/nlink
DF
build_ctx stages >/dev/null
layer_listing "$T/layout:stages" 2 >"$T/copy-layer"
expect_contains "$T/copy-layer" "linked/b link to linked/a"
layer_listing "$T/layout:stages" 3 >"$T/copy-layer"
expect_not_contains "$T/copy-layer" "link to"
umoci unpack --image "$T/layout:stages" "$T/bundle" >/dev/null
R=$T/bundle/rootfs
[ "$(cat "$R/nlink")" = $'2\n1' ] || fail "link counts in the RUN: $(cat "$R/nlink")"
[ "$(cat "$R/split/a")" = $'data\nmore' ] && [ "$(cat "$R/split/b")" = data ] ||
  fail "split names: a '$(cat "$R/split/a")', b '$(cat "$R/split/b")'"
echo "PASS"
