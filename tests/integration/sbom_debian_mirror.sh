#!/usr/bin/env bash
# The SBOM of a locked `debian` base does not depend on the mirror the build fetched from: the
# mirror (--debian-mirror, $STRATA_DEBIAN_MIRROR, the host's apt sources) is not part of the
# node's key, so an SBOM that named it would differ between two hosts with other apt sources,
# and a warm build would give the mirror of whichever build first made the node while a fresh
# one gives its own. The download location is the mirror the program names, else Debian's
# canonical http://deb.debian.org/debian. (The .debs come from the download cache here, so the
# second mirror, which does not answer, is never contacted.)
source "$(dirname "$0")/lib.sh"
write_debian_bash_program
(cd "$T/w" && "$STRATA" lock) >"$T/lock-out" 2>"$T/lock-err" || { cat "$T/lock-err"; fail "strata lock failed"; }
# sbom STORE [OPTIONS]: the SPDX document of the locked base, built in STORE.
sbom() {
  local store=$1
  shift
  (cd "$T/w" && STRATA_STORE=$store "$STRATA" sbom "$@") 2>"$T/err" || { cat "$T/err"; fail "strata sbom $*"; }
}
elsewhere=http://127.0.0.1:9/debian
sbom "$T/store-a" >"$T/a.json"
sbom "$T/store-b" --debian-mirror "$elsewhere" >"$T/b.json"
cmp -s "$T/a.json" "$T/b.json" || { diff "$T/a.json" "$T/b.json" | head; fail "the SBOM depends on the mirror of the build"; }
sbom "$T/store-a" --debian-mirror "$elsewhere" >"$T/a-warm.json"
cmp -s "$T/a.json" "$T/a-warm.json" || fail "a warm build's SBOM differs from a fresh one's"
jq -e '[.packages[] | select(.externalRefs[0].referenceLocator | startswith("pkg:deb/")) | .downloadLocation]
  | length > 0 and all(startswith("http://deb.debian.org/debian/pool/main/"))' "$T/a.json" >/dev/null \
  || fail "the download locations are not Debian's canonical mirror: $(jq -c '[.packages[].downloadLocation]' "$T/a.json")"
grep -q "127.0.0.1:9" "$T/b.json" && fail "the SBOM names the mirror the build happened to use"

echo PASS
