#!/usr/bin/env bash
# A build killed with SIGKILL at any moment leaves nothing a later build trusts: the rebuild
# succeeds with the digest of an undisturbed build. Then `strata gc` keeps what recent builds
# use and removes what only old builds used.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w/src"
mv "$T/busybox-layout" "$T/w/busybox-layout"
head -c 3000000 /dev/urandom >"$T/w/src/blob.bin"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  slow = base
    |> copy ./src "/src"
    |> run "sleep 1; cat /src/blob.bin /src/blob.bin > /big; echo done > /marker"
    |> run "sleep 1; cp /big /big2";
in {
  default = scratch |> copy (slow / "/big2") "/big2" |> copy (slow / "/marker") "/marker";
  other = base |> run "echo other > /other";
}
STRATA

STRATA_STORE=$T/reference build || { cat "$T/err"; fail "reference build failed"; }
reference=$(digest)

for delay in 0.3 0.8 1.3 1.8 2.4; do
  (cd "$T/w" && exec "$STRATA" build --progress plain >"$T/killed-out" 2>"$T/killed-err") &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
sleep 2  # let orphaned steps of the killed builds finish
build || { cat "$T/err"; fail "the build after SIGKILLs failed"; }
[ "$(digest)" = "$reference" ] || fail "the build after SIGKILLs gave another digest"
! grep -q "$T/store/work" /proc/self/mountinfo || fail "overlays of killed builds are still mounted"
build || fail "warm build failed"
expect_not_contains "$T/err" "start"

# gc with every build recent keeps everything.
build other || { cat "$T/err"; fail "build other failed"; }
"$STRATA" gc --store "$T/store" >"$T/gc1" || fail "gc failed"
expect_contains "$T/gc1" "node records: removed 0"
expect_contains "$T/gc1" "blobs: removed 0"
build || fail "build after gc failed"
expect_not_contains "$T/err" "start"

# Age the roots of `default` (everything but the last `other` build): gc removes what only
# they used, keeps `other` and the base it shares.
# A root's time is the later of the one it records and its file's mtime (a build of the same
# roots renews the file): age both.
for root in "$T"/store/roots/*.json; do
  [ "$(jq -r '.node // .roots[0].node' "$root")" = "$(cd "$T/w" && "$STRATA" graph other | tail -n 1 | cut -c1-32)" ] && continue
  jq '.time = 1000' "$root" >"$root.new" && touch -d '30 days ago' "$root.new" && mv "$root.new" "$root"
done
# The parse cache: an entry last written long ago goes, a recent one stays.
entries=("$T"/store/parse-cache/*)
[ "${#entries[@]}" -ge 1 ] && [ -f "${entries[0]}" ] || fail "the builds left no parse-cache entry"
cp "${entries[0]}" "$T/store/parse-cache/0123456789abcdef0123456789abcdef"
touch -d '30 days ago' "$T/store/parse-cache/0123456789abcdef0123456789abcdef"
# Verified stamps (docs/store.md): one for every blob; gc must take those of the blobs it removes.
mkdir -p "$T/store/blobs/verified"
for blob in "$T"/store/blobs/sha256/*; do echo stamp >"$T/store/blobs/verified/${blob##*/}"; done
"$STRATA" gc --store "$T/store" --keep-days 1 >"$T/gc2" || fail "gc failed"
for stamp in "$T"/store/blobs/verified/*; do
  [ -e "$T/store/blobs/sha256/${stamp##*/}" ] || fail "gc kept the verified stamp of a removed blob"
done
expect_contains "$T/gc2" "parse cache: removed 1 "
[ ! -e "$T/store/parse-cache/0123456789abcdef0123456789abcdef" ] || fail "gc kept an old parse-cache entry"
[ -f "${entries[0]}" ] || fail "gc removed a recent parse-cache entry"
grep -q "node records: removed [1-9]" "$T/gc2" || { cat "$T/gc2"; fail "gc removed no records"; }
grep -q "blobs: removed [1-9]" "$T/gc2" || { cat "$T/gc2"; fail "gc removed no blobs"; }
build other || fail "build other after gc failed"
expect_not_contains "$T/err" "start"
build || { cat "$T/err"; fail "rebuild of default after gc failed"; }
expect_contains "$T/err" "start  exec"
[ "$(digest)" = "$reference" ] || fail "rebuild after gc gave another digest"
[ -z "$(ls "$T/store/work")" ] || fail "work dirs left behind: $(ls "$T/store/work")"
echo "PASS"
