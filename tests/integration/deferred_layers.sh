#!/usr/bin/env bash
# Deferred layers (docs/runtime.md, "Deferred compression"): a builder stage's RUN layer is
# stored as plain tar and compressed only when an image holding it leaves the store (-o); that
# image's manifest is the one an in-pass compression gives; a damaged memo, a lost compressed blob or a
# build killed while compressing leaves nothing a later build trusts; gc keeps both forms.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
# seq output deflates slowly enough (about 40 MB) that a kill lands inside the compression.
cat >"$T/w/build.strata" <<'STRATA'
let
  builder = load ./busybox-layout
    |> run "mkdir -p /out && seq 1 6000000 > /out/data && echo built-marker";
in {
  inherit builder;
  default = scratch |> copy (builder / "/out") "/out";
}
STRATA
layers() { for f in "$T/store/nodes"/*.json; do jq -r '.image.layers[]? | "\(.deferred // false) \(.media_type)"' "$f"; done | sort; }

# Each build below exports its image (-o): only then are its layers compressed.
export_build() { build "$@" -o "oci:$T/layout:${1:-default}"; }

# The app: its COPY layer compressed as written, the builder's RUN layer kept as its tar.
export_build || { cat "$T/err"; fail "build failed"; }
app=$(manifest)
layers >"$T/layers"
expect_contains "$T/layers" "true application/vnd.oci.image.layer.v1.tar"
[ "$(grep -c '^true' "$T/layers")" = 1 ] || { cat "$T/layers"; fail "expected one deferred layer"; }
deferred=$(cat "$T/store/nodes"/*.json | jq -r '.image.layers[]? | select(.deferred) | .digest')
[ "$(stat -c %s "$T/store/blobs/sha256/${deferred#sha256:}")" -gt 40000000 ] ||
  fail "the deferred blob is not the plain tar"

# The builder as a target: compressed on demand, the manifest of a store that compressed it as
# it ran (the same bytes).
export_build builder || { cat "$T/err"; fail "builder build failed"; }
on_demand=$(manifest)
expect_not_contains "$T/err" "start  exec"
STRATA_STORE=$T/fresh export_build builder || { cat "$T/err"; fail "fresh builder build failed"; }
[ "$(manifest)" = "$on_demand" ] || fail "on-demand compression gave $on_demand, in-pass $(manifest)"
STRATA_STORE=$T/fresh export_build || fail "fresh app build failed"
[ "$(manifest)" = "$app" ] || fail "the app's manifest depends on the store's history"
skopeo inspect "oci:$T/layout:builder" >"$T/inspect"
[ "$(jq -r .Digest "$T/inspect")" = "$on_demand" ] || fail "exported digest differs"
umoci unpack --image "$T/layout:builder" "$T/bundle" >/dev/null
[ "$(wc -l <"$T/bundle/rootfs/out/data")" = 6000000 ] || fail "the exported layer lost data"

memo=$(grep -l '"op": "compress"' "$T/store/nodes"/*.json)
[ "$(echo "$memo" | wc -l)" = 1 ] || fail "expected one compressed-layer memo: $memo"
compressed=$(jq -r '.image.layers[0].digest' "$memo")
[ "$compressed" != "$deferred" ] || fail "the memo names the tar"

# A memo is taken as it is: no second compression (the blob is not rewritten).
before=$(stat -c %i "$T/store/blobs/sha256/${compressed#sha256:}")
export_build builder || fail "second builder build failed"
[ "$(manifest)" = "$on_demand" ] || fail "memo gave another manifest"
[ "$(stat -c %i "$T/store/blobs/sha256/${compressed#sha256:}")" = "$before" ] || fail "compressed again despite the memo"

# A damaged memo: made again, same digest.
chmod u+w "$memo" 2>/dev/null || true
echo '{"kind": "stage", "image": {"lay' >"$memo"
export_build builder || { cat "$T/err"; fail "build with a damaged memo failed"; }
[ "$(manifest)" = "$on_demand" ] || fail "damaged memo: manifest $(manifest)"
# The compressed blob lost: made again.
rm -f "$T/store/blobs/sha256/${compressed#sha256:}"
export_build builder || { cat "$T/err"; fail "build without the compressed blob failed"; }
[ "$(manifest)" = "$on_demand" ] || fail "lost blob: manifest $(manifest)"
[ -f "$T/store/blobs/sha256/${compressed#sha256:}" ] || fail "the compressed blob was not made again"

# Killed while compressing: only temp files are left, and the next build compresses again.
rm -f "$memo" "$T/store/blobs/sha256/${compressed#sha256:}"
(cd "$T/w" && exec "$STRATA" build --progress plain builder -o "oci:$T/killed") >"$T/out" 2>"$T/err" &
pid=$!
killed=
for _ in $(seq 1 2000); do
  if find "$T/store/tmp" -type f -size +1M 2>/dev/null | grep -q .; then
    kill -9 "$pid" && killed=yes
    break
  fi
  sleep 0.01
done
wait "$pid" 2>/dev/null || true
[ -n "$killed" ] || fail "the build ended before it could be killed while compressing"
[ ! -f "$memo" ] || fail "a memo was written by a killed build"
[ ! -f "$T/store/blobs/sha256/${compressed#sha256:}" ] || fail "a killed build published the blob"
export_build builder || { cat "$T/err"; fail "build after the kill failed"; }
[ "$(manifest)" = "$on_demand" ] || fail "after the kill: manifest $(manifest)"
[ -f "$memo" ] || fail "no memo after the rebuild"

# gc keeps both forms while a root needs them.
"$STRATA" gc --keep-days 1 >"$T/gc" || fail "gc failed"
[ -f "$T/store/blobs/sha256/${deferred#sha256:}" ] || fail "gc removed the tar"
[ -f "$T/store/blobs/sha256/${compressed#sha256:}" ] || fail "gc removed the compressed form"
[ -f "$memo" ] || fail "gc removed the memo"
export_build builder || fail "build after gc failed"
[ "$(manifest)" = "$on_demand" ] || fail "after gc: manifest $(manifest)"
# `strata store verify` reads memos as records and the tar as a blob.
"$STRATA" store verify >"$T/verify" || { cat "$T/verify"; fail "verify found damage"; }
expect_contains "$T/verify" "(1 of them compressed forms of deferred layers): 0 damaged"
echo "ok"
