#!/usr/bin/env bash
# A corrupt store blob never leaves the store (issue 11, item 5): flipping one byte of a layer
# or config blob makes the next build find it (before export), remove it and rebuild or
# refetch what it held, so every output holds blobs that match their names and the digest is
# the undisturbed one; --no-cache repairs for good; `strata store verify [--repair]` finds and
# removes damage.
source "$(dirname "$0")/lib.sh"
mkdir -p "$T/w/src"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "source" >"$T/w/src/file.txt"
cat >"$T/w/build.strata" <<'STRATA'
let base = load ./busybox-layout; in {
  default = base |> copy ./src "/app" |> run "echo built > /app/out";
}
STRATA

# flip FILE: xor one byte in the middle of FILE with 1.
flip() {
  local file=$1 size off byte
  size=$(stat -c %s "$file")
  off=$((size / 2))
  byte=$(od -An -tu1 -j "$off" -N1 "$file" | tr -d ' ')
  printf "$(printf '\\%03o' $((byte ^ 1)))" | dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}
blob() { echo "$T/store/blobs/sha256/${1#sha256:}"; }
# check_layout DIR: every blob in the OCI layout hashes to its name.
check_layout() {
  local f
  for f in "$1"/blobs/sha256/*; do
    [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "$f does not match its name"
  done
}
# check_archive FILE: the same for an oci-archive.
check_archive() {
  rm -rf "$T/unpacked" && mkdir "$T/unpacked" && tar -xf "$1" -C "$T/unpacked"
  check_layout "$T/unpacked"
}

build -o "oci:$T/ref" || { cat "$T/err"; fail "first build failed"; }
reference=$(manifest)
manifest=$T/ref/blobs/sha256/${reference#sha256:}
mapfile -t layers < <(jq -r '.layers[].digest' "$manifest")
config=$(jq -r '.config.digest' "$manifest")
[ "${#layers[@]}" = 3 ] || fail "expected 3 layers (base, copy, run)"

n=0
for victim in "${layers[2]}" "${layers[1]}" "${layers[0]}" "$config"; do
  n=$((n + 1))
  flip "$(blob "$victim")"
  build -o "oci:$T/out$n" -o "oci-archive:$T/out$n.tar" || { cat "$T/err"; fail "build with corrupt $victim failed"; }
  [ "$(manifest)" = "$reference" ] || fail "build with corrupt $victim gave another digest"
  check_layout "$T/out$n"
  check_archive "$T/out$n.tar"
  [ "$(sha256sum "$(blob "$victim")" | cut -d' ' -f1)" = "${victim#sha256:}" ] || fail "$victim was not repaired"
  # A layer is found and reported; the config is rewritten by every build anyway.
  [ "$victim" = "$config" ] || expect_contains "$T/err" "store blob $victim is corrupt"
done

# --no-cache rewrites a damaged layer; the next cached build finds nothing wrong.
flip "$(blob "${layers[2]}")"
build --no-cache -o "oci:$T/nocache" || { cat "$T/err"; fail "--no-cache build failed"; }
check_layout "$T/nocache"
build -o "oci:$T/after" || fail "build after --no-cache failed"
expect_not_contains "$T/err" "corrupt"
check_layout "$T/after"

# strata store verify finds the damage; --repair removes it; the next build rebuilds it.
"$STRATA" store verify --store "$T/store" >"$T/verify0" || { cat "$T/verify0"; fail "verify of a sound store failed"; }
expect_contains "$T/verify0" "0 damaged"
flip "$(blob "${layers[1]}")"
echo junk >"$T/store/nodes/0123456789abcdef0123456789abcdef.json"
set +e
"$STRATA" store verify --store "$T/store" >"$T/verify1" 2>"$T/verify1.err"
status=$?
set -e
[ "$status" = 1 ] || fail "verify of a damaged store exited $status"
expect_contains "$T/verify1" "corrupt blob ${layers[1]}"
expect_contains "$T/verify1" "bad node record"
expect_contains "$T/verify1" "2 damaged"
"$STRATA" store verify --repair --store "$T/store" >"$T/verify2" || { cat "$T/verify2"; fail "verify --repair failed"; }
expect_contains "$T/verify2" "2 removed"
[ ! -e "$(blob "${layers[1]}")" ] || fail "the corrupt blob is still there"
"$STRATA" store verify --store "$T/store" >"$T/verify3" || fail "verify after repair failed"
build -o "oci:$T/repaired" || { cat "$T/err"; fail "build after repair failed"; }
[ "$(manifest)" = "$reference" ] || fail "build after repair gave another digest"
expect_contains "$T/err" "start  copy"
check_layout "$T/repaired"
echo "PASS"
