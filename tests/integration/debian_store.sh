#!/usr/bin/env bash
# Store hygiene of debian bases: `strata gc` keeps the .deb and index blobs a live record names
# (a --no-cache rebuild then fetches nothing), and a .deb blob damaged in the store (as a
# failed or killed build, or a bad disk, could leave it) is hashed before it is trusted,
# removed and fetched again, so the rebuild gives the same image.
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE" "$T/w"
echo '{ default = debian { packages = [ "bash" ]; }; }' >"$T/w/build.strata"

build -o "oci:$T/layout:a" || { cat "$T/err"; fail "the bash base did not build"; }
first=$(digest)
debs() { for f in "$STRATA_STORE/blobs/sha256"/*; do if [ "$(head -c 7 "$f" | tr -d '\0')" = '!<arch>' ]; then basename "$f"; fi; done | sort; }
debs >"$T/debs-before"
[ -s "$T/debs-before" ] || fail "no .deb blobs in the store after the build"
record=$(grep -l '"sources"' "$STRATA_STORE"/nodes/* | head -n1)
[ -n "$record" ] || fail "no node record names its sources"

"$STRATA" gc --store "$STRATA_STORE" >"$T/gc-out" 2>&1 || { cat "$T/gc-out"; fail "strata gc failed"; }
debs >"$T/debs-after"
diff "$T/debs-before" "$T/debs-after" || fail "gc removed .deb blobs that a live record names"

# A damaged .deb blob: the rebuild hashes it, drops it and fetches it again (from the cache).
victim=$STRATA_STORE/blobs/sha256/$(head -n1 "$T/debs-before")
printf 'damaged' >>"$victim"
build --no-cache -o "oci:$T/layout:b" || { cat "$T/err"; fail "the rebuild over a damaged .deb failed"; }
[ "$(digest)" = "$first" ] || fail "the rebuild over a damaged .deb gave another digest"
[ "sha256:$(sha256sum "$victim" | cut -d' ' -f1)" = "sha256:$(basename "$victim")" ] || fail "the damaged blob is still there"
echo PASS
