#!/usr/bin/env bash
# A store named by a relative path (`--store DIR`, STRATA_STORE=DIR) is the folder under the
# working directory, for every command: a RUN step works in it (runc and overlayfs need
# absolute paths; before the fix the first RUN failed with "upper dir must be an absolute
# path"), and gc finds the same store.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
printf 'let base = load ./busybox-layout; in { default = base |> run "echo ran > /ran"; }\n' \
  >"$T/w/build.strata"
build --store rel-store || { cat "$T/err"; fail "build with --store rel-store failed"; }
first=$(digest)
[ -d "$T/w/rel-store/nodes" ] || fail "--store rel-store is not the folder under the working directory"
(cd "$T/w" && STRATA_STORE=env-store "$STRATA" build --progress plain) >"$T/out" 2>"$T/err" ||
  { cat "$T/err"; fail "build with STRATA_STORE=env-store failed"; }
[ "$(digest)" = "$first" ] || fail "the two relative stores gave different digests"
[ -d "$T/w/env-store/nodes" ] || fail "STRATA_STORE=env-store is not the folder under the working directory"
build --store rel-store || { cat "$T/err"; fail "warm build with --store rel-store failed"; }
expect_contains "$T/err" "cached"
(cd "$T/w" && "$STRATA" gc --store rel-store --keep-days 0) >"$T/out" 2>"$T/err" ||
  { cat "$T/err"; fail "gc --store rel-store failed"; }
echo "ok"
