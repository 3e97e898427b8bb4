#!/usr/bin/env bash
# A local file edited after lowering hashed it (its digest is in the copy's key) and before the
# copy archives it must fail the build, naming the file, and store nothing under that key: a
# later build of the original content must get the original bytes, not the edited ones. The
# edit is made by a step that runs before the copy, through a cache mount whose host directory
# (<store>/cache/_2fc) holds the project.
source "$(dirname "$0")/lib.sh"

P=$T/store/cache/_2fc/proj
mkdir -p "$P/tree/sub"
mv "$T/busybox-layout" "$P/busybox-layout"
echo original >"$P/tree/sub/a.txt"
echo kept >"$P/tree/b.txt"
cat >"$P/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in {
  default = base
    |> runWith { cache = [ "/c" ]; } "echo edited > /c/proj/tree/sub/a.txt"
    |> copy ./tree "/tree";
}
STRATA
pbuild() { (cd "$P" && "$STRATA" build --progress plain "$@") >"$T/out" 2>"$T/err"; }

# The step edits a.txt after lowering: the copy refuses it.
if pbuild -o "oci:$T/layout:bad"; then fail "a file changed during the build went into a layer"; fi
expect_contains "$T/err" "$P/tree/sub/a.txt changed during the build"
expect_contains "$T/err" "run again"
[ ! -e "$T/layout" ] || fail "an image was written for the failed build"
[ "$(cat "$P/tree/sub/a.txt")" = edited ] || fail "the step did not edit the file"

# The original content again (the step is cached now, so it does not edit it): the copy's key
# is the first build's, and the layer must hold the original bytes.
echo original >"$P/tree/sub/a.txt"
pbuild -o "oci:$T/layout:good" || { cat "$T/err"; fail "the rebuild failed"; }
umoci unpack --image "$T/layout:good" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/tree/sub/a.txt")" = original ] ||
  fail "the rebuild of the original content got the edited bytes from the store"
[ "$(cat "$T/bundle/rootfs/tree/b.txt")" = kept ] || fail "b.txt is missing"

# A file added after lowering is refused as well (it is not in the key).
cat >"$P/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in {
  default = base
    |> runWith { cache = [ "/c" ]; } "echo new > /c/proj/tree/sub/added.txt"
    |> copy ./tree "/tree2";
}
STRATA
if pbuild; then fail "a file added during the build went into a layer"; fi
expect_contains "$T/err" "$P/tree/sub/added.txt changed during the build"

# `strata lock` builds what a network step stands on with the same check: the copy below the
# network step must not archive (and record under the original content's key) an edited file.
rm "$P/tree/sub/added.txt"
cat >"$P/build.strata" <<'STRATA'
let base = load ./busybox-layout;
in {
  default = base
    |> runWith { cache = [ "/c" ]; } "echo locked-edit > /c/proj/tree/sub/a.txt"
    |> copy ./tree "/tree3"
    |> runWith { network = true; } "cat /tree3/sub/a.txt > /seen";
}
STRATA
if (cd "$P" && "$STRATA" lock) >"$T/out" 2>"$T/err"; then
  fail "strata lock archived a file changed during the lock"
fi
expect_contains "$T/err" "$P/tree/sub/a.txt changed during the build"
echo "ok"
