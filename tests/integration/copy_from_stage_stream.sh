#!/usr/bin/env bash
# COPY --from without the select's extraction (docs/runtime.md, "COPY out of a stage"): a
# select whose only consumers are copies is left to them, and a copy lists the path from the
# one layer holding it (a deferred layer's tar, read at its offsets) or declines and copies it
# out as the select would. Every case gives the digest of the slow path (a build where a RUN
# also mounts the select, so it is published and the copy reads that artifact); the fast path
# extracts no layer of the builder and publishes no artifact.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
long=$(printf 'n%.0s' $(seq 1 120))
cat >"$T/w/build.strata" <<STRATA
let
  base = load ./busybox-layout;
  builder = base |> run "mkdir -p /out/sub/$long /out/ro && seq 1 200000 > /out/sub/big && echo a > /out/a && chmod 4755 /out/a && : > /out/empty && ln -s a /out/link && echo deep > /out/sub/$long/file && chown 5:6 /out/sub/big && chmod 700 /out/sub && echo r > /out/ro/f && chmod 555 /out/ro && mkdir -p /tmp/x";
  # /out in two layers: a lower layer holds it, so the copy must merge them (slow path).
  twice = builder |> run "echo c > /out/c";
  # A whiteout under /out in the top layer.
  removed = builder |> run "rm /out/a";
  dir = builder / "/out";
  file = builder / "/out/sub/big";
  tool = builder / "/bin/busybox";
  merged = twice / "/out";
  less = removed / "/out";
  app = scratch |> copy dir "/out" |> copy file "/big" |> copy tool "/bin/";
  # A parent whose layer this build wrote compressed: the copy's view of it is a skeleton from
  # its listing (dest through a symlink, an existing parent with its own owner and mode).
  withdir = base |> run "mkdir -p /opt/x && chown 7:8 /opt/x && chmod 750 /opt/x && ln -s /opt/x /link";
  parented = withdir |> copy file "/link/";
  # Runs over withdir's layer, so that layer is extracted before the copy's view is made.
  extracted = withdir |> run "true";
  other = scratch |> copy merged "/out" |> copy less "/less";
  probe = s: s |> runWith { mounts = [ { artifact = dir; target = "/m1"; } { artifact = file; target = "/m2"; }
    { artifact = tool; target = "/m3"; } { artifact = merged; target = "/m4"; } { artifact = less; target = "/m5"; } ]; } "true";
in {
  default = app;
  inherit other parented extracted;
  # Every select above mounted by a RUN as well: published, so the copies take the slow path.
  slow = probe (base |> copy (app / "/") "/app" |> copy (other / "/") "/other");
}
STRATA
build -o "oci:$T/layout:app" || { cat "$T/err"; fail "fast build failed"; }
fast_app=$(digest)
[ ! -d "$T/store/artifacts" ] || [ -z "$(ls "$T/store/artifacts")" ] || {
  ls "$T/store/artifacts"
  fail "a select left to copies published an artifact"
}
# The builder's RUN layer (deferred: a plain tar) was read where it lies, never extracted
# (the app's build runs no step over it).
run_layer=$(jq -r 'select(.op == "exec" and (.image.layers | length) == 2) | .image.layers[1] | select(.deferred) | .diff_id' \
  "$T/store/nodes"/*.json)
[[ $run_layer == sha256:* ]] || fail "no deferred RUN layer for the builder: $run_layer"
[ ! -e "$T/store/layers/${run_layer#sha256:}" ] || fail "the builder's RUN layer was extracted"

build other -o "oci:$T/layout:other" || { cat "$T/err"; fail "fast build of other failed"; }
fast_other=$(digest)

# The slow path on a fresh store: the same copy nodes, built while the selects are published.
STRATA_STORE=$T/slow build slow || { cat "$T/err"; fail "slow build failed"; }
STRATA_STORE=$T/slow build || fail "slow app build failed"
slow_app=$(digest)
expect_not_contains "$T/err" "start  copy"
STRATA_STORE=$T/slow build other || fail "slow other build failed"
slow_other=$(digest)
[ "$fast_app" = "$slow_app" ] || fail "streamed COPY gave $fast_app, the slow path $slow_app"
[ "$fast_other" = "$slow_other" ] || fail "declined COPY gave $fast_other, the slow path $slow_other"
[ -n "$(ls "$T/slow/artifacts")" ] || fail "the slow build published no artifact"

# What the streamed layers hold.
umoci unpack --image "$T/layout:app" "$T/app" >/dev/null
r=$T/app/rootfs
[ "$(wc -l <"$r/out/sub/big")" = 200000 ] || fail "big file lost data"
cmp -s "$r/out/sub/big" "$r/big" || fail "the file select differs"
[ "$(cat "$r/out/a")" = a ] || fail "/out/a"
[ "$(stat -c %a "$r/out/a")" = 4755 ] || fail "set-id mode lost: $(stat -c %a "$r/out/a")"
[ "$(stat -c %a "$r/out/sub")" = 700 ] || fail "dir mode lost"
[ "$(stat -c %a "$r/out/ro")" = 555 ] || fail "read-only dir mode lost"
[ "$(readlink "$r/out/link")" = a ] || fail "symlink lost"
[ -f "$r/out/empty" ] && [ ! -s "$r/out/empty" ] || fail "empty file lost"
[ "$(cat "$r/out/sub/$long/file")" = deep ] || fail "long path lost"
[ "$(stat -c %u:%g "$r/out/sub/big")" = 0:0 ] || fail "COPY keeps 0:0 owners"
[ -x "$r/bin/busybox" ] || fail "busybox not copied"
[ ! -e "$r/tmp" ] || fail "the select copied more than /out"
umoci unpack --image "$T/layout:other" "$T/other" >/dev/null
r=$T/other/rootfs
[ "$(cat "$r/out/c")" = c ] && [ "$(cat "$r/out/a")" = a ] || fail "two layers were not merged"
[ ! -e "$r/less/a" ] && [ -L "$r/less/link" ] || fail "the whiteout was not applied"

# The copy's parent view from a skeleton gives the digest of one from the extracted layer, and
# the layer holds the parent's directories with their owners and modes.
STRATA_STORE=$T/listed build parented -o "oci:$T/layout:parented" || { cat "$T/err"; fail "parented build failed"; }
listed=$(digest)
# Only the base was extracted (for the RUN): withdir's own layer was listed, not extracted.
[ "$(ls "$T/listed/layers" | wc -l)" = 1 ] || { ls "$T/listed/layers"; fail "the copy's parent view extracted a layer"; }
STRATA_STORE=$T/extracted build extracted || { cat "$T/err"; fail "extracted build failed"; }
STRATA_STORE=$T/extracted build parented || { cat "$T/err"; fail "parented build over extracted failed"; }
[ "$(digest)" = "$listed" ] || fail "copy over a skeleton view gave $listed, over the extracted layer $(digest)"
manifest=$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "parented") | .digest' "$T/layout/index.json")
top=$(jq -r '.layers[-1].digest' "$T/layout/blobs/sha256/${manifest#sha256:}")
tar tvzf "$T/layout/blobs/sha256/${top#sha256:}" >"$T/top"
grep -qE '^drwxr-x--- 7/8 .* opt/x/$' "$T/top" || { cat "$T/top"; fail "the parent dir's owner and mode are not kept"; }
grep -qE ' opt/x/big$' "$T/top" || { cat "$T/top"; fail "the copy did not go through the symlink"; }

# A foreign plain tar (a docker-archive whose uncompressed layer has no directory entries, so
# the index cannot prove /opt/tool's parents): the copy declines and the layer is extracted
# and checked as before, for the selection and for the copy's view of its parent.
mkdir -p "$T/foreign/src/opt" "$T/foreign/img"
printf 'tool\n' >"$T/foreign/src/opt/tool"
tar --owner=0 --group=0 -cf "$T/foreign/img/layer.tar" -C "$T/foreign/src" opt/tool
tar tf "$T/foreign/img/layer.tar" | grep -qx 'opt/' && fail "the foreign tar has a directory entry"
diff_id=sha256:$(sha256sum <"$T/foreign/img/layer.tar" | cut -d' ' -f1)
printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$diff_id" >"$T/foreign/img/config.json"
echo '[{"Config":"config.json","RepoTags":["foreign:1"],"Layers":["layer.tar"]}]' >"$T/foreign/img/manifest.json"
tar -cf "$T/w/foreign.tar" -C "$T/foreign/img" manifest.json config.json layer.tar
cat >"$T/w/foreign.strata" <<'STRATA'
let foreign = load ./foreign.tar;
in { default = foreign |> copy (foreign / "/opt/tool") "/opt/again"; }
STRATA
STRATA_STORE=$T/foreign/store build -f foreign.strata -o "oci:$T/layout:foreign" ||
  { cat "$T/err"; fail "copy out of a foreign layer failed"; }
[ -d "$T/foreign/store/layers/${diff_id#sha256:}" ] || fail "the foreign layer was not extracted"
umoci unpack --image "$T/layout:foreign" "$T/foreign/bundle" >/dev/null
[ "$(cat "$T/foreign/bundle/rootfs/opt/again")" = tool ] || fail "the foreign copy lost its bytes"

# A warm build runs nothing; gc keeps what the app's copy was made from (its inputs name the
# builder stage in place of the unrecorded select).
build || fail "warm build failed"
[ "$(digest)" = "$fast_app" ] || fail "warm digest differs"
expect_not_contains "$T/err" "start  "
"$STRATA" gc --store "$T/store" --keep-days 1 >/dev/null || fail "gc failed"
build --no-cache || { cat "$T/err"; fail "rebuild after gc failed"; }
[ "$(digest)" = "$fast_app" ] || fail "rebuild after gc gave another digest"
echo PASS
