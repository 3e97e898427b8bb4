#!/usr/bin/env bash
# Node records do not depend on the path the store was reached by (issue 11, item 9): gc
# through a symlink to the store, or after moving the store, keeps every cached artifact, and
# the next build runs nothing.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  made = base |> run "echo made > /made";
in {
  # A select only copies consume publishes nothing (docs/runtime.md, "COPY out of a stage"):
  # the text artifact and the RUN's mount keep artifacts in the store for this test.
  default = scratch |> copy (made / "/made") "/made" |> copy (made / "/bin/busybox") "/bin/"
    |> copy (text "note.txt" "kept\n") "/note.txt"
    |> copy ((base |> runWith { mounts = [ { artifact = made / "/made"; target = "/m"; } ]; } "cat /m > /seen") / "/seen") "/seen";
}
STRATA

STRATA_STORE=$T/real build || { cat "$T/err"; fail "build failed"; }
reference=$(digest)
[ -n "$(ls "$T/real/artifacts")" ] || fail "the build left no artifacts (the test needs some)"

ln -s "$T/real" "$T/link"
"$STRATA" gc --store "$T/link" >"$T/gc1" || fail "gc through a symlink failed"
expect_contains "$T/gc1" "artifacts: removed 0"
STRATA_STORE=$T/real build || { cat "$T/err"; fail "build after gc through a symlink failed"; }
expect_not_contains "$T/err" "start"
[ "$(digest)" = "$reference" ] || fail "digest changed"

mv "$T/real" "$T/moved"
"$STRATA" gc --store "$T/moved" >"$T/gc2" || fail "gc after a move failed"
expect_contains "$T/gc2" "artifacts: removed 0"
expect_contains "$T/gc2" "node records: removed 0"
STRATA_STORE=$T/moved build || { cat "$T/err"; fail "build in the moved store failed"; }
expect_not_contains "$T/err" "start"
[ "$(digest)" = "$reference" ] || fail "digest changed after the move"
echo "PASS"
