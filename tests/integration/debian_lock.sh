#!/usr/bin/env bash
# `strata lock` pins a `debian` base: each package's name, version, arch, filename, size and
# sha256 together, and the Release's date and hash. A locked build uses exactly those: it
# reads no index, so with the mirror unreachable it is served from the store with the same
# digest; a locked file the mirror no longer has fails naming a snapshot URL to use instead.
source "$(dirname "$0")/lib.sh"
write_debian_bash_program

(cd "$T/w" && "$STRATA" lock) >"$T/lock-out" 2>"$T/lock-err" || { cat "$T/lock-err"; fail "strata lock failed"; }
expect_contains "$T/lock-err" "locked debian bookworm/amd64 bash"
lock=$T/w/strata.lock
jq -e '.debian["bookworm/amd64 bash"].release | (.date | length > 0) and (.sha256 | test("^[0-9a-f]{64}$"))' "$lock" >/dev/null \
  || { cat "$lock"; fail "the Release's date and hash are not locked"; }
jq -e '.debian["bookworm/amd64 bash"].packages | length >= 3 and all(.[]; (.name | length > 0) and (.version | length > 0)
  and .arch == "amd64" or .arch == "all") and all(.[]; (.filename | startswith("pool/")) and (.sha256 | test("^[0-9a-f]{64}$")) and .size > 0)' \
  "$lock" >/dev/null || { cat "$lock"; fail "a lock entry lacks a field"; }
jq -e '.debian["bookworm/amd64 bash"].packages | map(.name) | index("bash") != null and index("libc6") != null' "$lock" >/dev/null \
  || fail "bash or libc6 is not locked"
(cd "$T/w" && "$STRATA" lock --check) 2>"$T/check-err" || { cat "$T/check-err"; fail "lock --check after lock"; }

# The index the lock read (Packages.xz and the plain Packages) is kept by gc for as long as a
# build's outputs are (the lock writes a root naming it); after --keep-days it goes, and the
# locked build below, which reads no index, does not need it.
index_blobs() {
  for f in "$STRATA_STORE/blobs/sha256"/*; do
    if [ "$(head -c 9 "$f")" = "Package: " ] || [ "$(head -c 6 "$f" | od -An -tx1 | tr -d ' \n')" = fd377a585a00 ]; then
      basename "$f"
    fi
  done | sort
}
[ "$(index_blobs | wc -l)" = 2 ] || fail "the lock did not leave Packages.xz and Packages in the store"
"$STRATA" gc --store "$STRATA_STORE" >"$T/gc-out" 2>&1 || { cat "$T/gc-out"; fail "strata gc failed"; }
[ "$(index_blobs | wc -l)" = 2 ] || { cat "$T/gc-out"; fail "gc dropped the index a recent lock read"; }
sleep 1
"$STRATA" gc --store "$STRATA_STORE" --keep-days 0 >"$T/gc-out" 2>&1 || { cat "$T/gc-out"; fail "strata gc --keep-days 0 failed"; }
[ "$(index_blobs | wc -l)" = 0 ] || fail "gc --keep-days 0 kept the index of an expired lock"

build -o "oci:$T/layout:bash" || { cat "$T/err"; fail "the locked build failed"; }
first=$(digest)
expect_not_contains "$T/err" "resolved"   # a locked build reads no index
umoci unpack --image "$T/layout:bash" "$T/bundle" >/dev/null
jq '.process.args = ["bash", "-c", "echo hello from $BASH_VERSION"]' "$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json"
run_bundle "$T/bundle" >"$T/run-out" || fail "bash does not run"
expect_contains "$T/run-out" "hello from 5."

# The mirror unreachable: served from the store, same digest.
build --no-cache --debian-mirror http://127.0.0.1:9/debian -o "oci:$T/layout2:bash" \
  || { cat "$T/err"; fail "a locked build with the mirror unreachable was not served from the store"; }
[ "$(digest)" = "$first" ] || fail "the locked rebuild gave another digest"

# A locked file the mirror no longer has: the error names the snapshot form.
jq '.debian["bookworm/amd64 bash"].packages[0].filename = "pool/main/x/no-such-file_1_amd64.deb"
  | .debian["bookworm/amd64 bash"].packages[0].sha256 = "'"$(printf '0%.0s' $(seq 64))"'"' "$lock" >"$T/lock.new"
mv "$T/lock.new" "$lock"
set +e
STRATA_STORE=$T/store2 build; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "a missing locked file: exit $rc"; }
expect_contains "$T/err" "not on the mirror"
expect_contains "$T/err" "--debian-mirror https://snapshot.debian.org/archive/debian/"
echo PASS
