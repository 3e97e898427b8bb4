#!/usr/bin/env bash
# `strata build //...` in a workspace: every target built into one store (a RUN step in runc
# on a base from a library package), `DIGEST LABEL` per target in label order, the same digest
# as `strata build -f` of the package's file, a second build all cache hits; graph and check
# take labels; bad labels exit 1 (missing) or 2 (malformed).
source "$(dirname "$0")/lib.sh"
W=$T/w
mkdir -p "$W/libs/bb" "$W/apps/hello" "$W/apps/web"
touch "$W/strata.workspace"
mv "$T/busybox-layout" "$W/libs/bb/busybox-layout"
cat >"$W/libs/bb/build.strata" <<'EOF'
{ base = load ./busybox-layout; greeting = "hello"; }
EOF
cat >"$W/apps/hello/build.strata" <<'EOF'
let
  bb = import //libs/bb;
in
{ default = bb.base |> run "echo ${bb.greeting} > /greeting"; }
EOF
cat >"$W/apps/web/build.strata" <<'EOF'
let
  hello = import //apps/hello;
in
{ default = hello.default |> run "cat /greeting > /web"; tools.sh = scratch |> copy ./build.strata "/b"; }
EOF

cd "$W/apps/web"  # the root is found from a subdirectory
"$STRATA" build --progress plain //... >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build //..."; }
# libs/bb's `base` is a stage too (a loaded image), so it is a target as well.
[ "$(wc -l <"$T/out")" = 4 ] || { cat "$T/out"; fail "expected 4 lines"; }
grep -qE '^sha256:[0-9a-f]{64} //apps/hello:default$' "$T/out" || fail "no digest for //apps/hello"
[ "$(awk '{ print $2 }' "$T/out" | tr '\n' ' ')" = "//apps/hello:default //apps/web:default //apps/web:tools.sh //libs/bb:base " ] ||
  fail "labels not in order: $(cat "$T/out")"
# The shared RUN step ran once, in runc.
[ "$(grep -c 'RUN echo' "$T/err" | head -1)" -ge 1 ] || { cat "$T/err"; fail "the RUN step did not run"; }
hello=$(awk '$2 == "//apps/hello:default" { print $1 }' "$T/out")

# The same digest as the package's file built on its own.
(cd "$W" && "$STRATA" build -f apps/hello/build.strata) >"$T/file.out" 2>"$T/err" || { cat "$T/err"; fail "build -f"; }
[ "$(tail -n 1 "$T/file.out")" = "$hello" ] || fail "label and file builds differ"

# Warm: nothing runs again, the same digests.
"$STRATA" build --progress plain //... >"$T/out2" 2>"$T/err"
diff "$T/out" "$T/out2" || fail "second build printed other digests"
expect_not_contains "$T/err" "start "
# The warm no-op: every key from the package cache, every image from the built-image index.
expect_contains "$T/err" "4 target(s) up to date"
# A changed package is built again (the no-op path declines), the others keep their digests.
printf '# changed\n' >>"$W/apps/web/build.strata"
"$STRATA" build --progress plain //... >"$T/out3" 2>"$T/err" || { cat "$T/err"; fail "build after a change"; }
expect_not_contains "$T/err" "up to date"
[ "$(grep -c . "$T/out3")" = 4 ] || fail "build after a change: $(cat "$T/out3")"
grep -q "//apps/web:tools.sh" "$T/out3" && ! grep -qF "$(grep //apps/web:tools.sh "$T/out")" "$T/out3" ||
  fail "tools.sh (a copy of the changed file) kept its digest"
grep -qF "$(grep //apps/hello:default "$T/out")" "$T/out3" || fail "an unchanged target changed digest"
"$STRATA" build --progress plain //... >"$T/out4" 2>"$T/err"
diff "$T/out3" "$T/out4" || fail "the no-op after a change printed other digests"
expect_contains "$T/err" "4 target(s) up to date"

# One root file for the build's targets (WriteRoots), named by the roots it records: the no-op
# after a build renews that file (its time) instead of adding one, and gc keeps every target it
# names: the no-op after gc still finds every image and record.
roots_before=$(ls "$STRATA_STORE/roots")
"$STRATA" build --progress plain //... >/dev/null 2>"$T/err"
expect_contains "$T/err" "4 target(s) up to date"
[ "$(ls "$STRATA_STORE/roots")" = "$roots_before" ] ||
  fail "a no-op added a root file: $(ls "$STRATA_STORE/roots")"
"$STRATA" gc --keep-days 1 >"$T/gc.out" 2>&1 || { cat "$T/gc.out"; fail "gc"; }
jq -e '.roots | length == 4' "$(ls -t "$STRATA_STORE"/roots/build-*.json | head -n 1)" >/dev/null ||
  fail "no root file with the 4 targets: $(ls "$STRATA_STORE/roots")"
"$STRATA" build --progress plain //... >"$T/out5" 2>"$T/err"
diff "$T/out3" "$T/out5" || fail "the build after gc printed other digests"
expect_contains "$T/err" "4 target(s) up to date"

# The built-image index lists each image's layers (no manifest read in a no-op) and its
# compressed-layer memos; an older entry (v2 without the memos, or the JSON form) makes the build
# run in full, with the same digests, and is rewritten; so does a torn entry (its last line cut).
for entry in "$STRATA_STORE"/package-cache/built-*; do
  [ "$(head -n 1 "$entry")" = strata-built-v3 ] || fail "built-image entry not v3: $(cat "$entry")"
  [ "$(wc -l <"$entry")" -ge 8 ] && [ "$(sed -n 6p "$entry")" = "$(($(wc -l <"$entry") - 7))" ] &&
    [ "$(tail -n 1 "$entry")" = 0 ] || fail "built-image entry without its layers and memos: $(cat "$entry")"
done
# Two current targets' entries (an entry of a target edited away earlier stays as it was).
entry_of() { grep -l "^$(awk -v l="$1" '$2 == l { print $1 }' "$T/out3")\$" "$STRATA_STORE"/package-cache/built-* | head -n 1; }
entries=("$(entry_of //apps/hello:default)" "$(entry_of //libs/bb:base)")
[ -n "${entries[0]}" ] && [ -n "${entries[1]}" ] || fail "no built-image entries of current targets"
{ echo strata-built-v2; sed -n '2,$p' "${entries[0]}" | head -n -1; } >"${entries[0]}.v2" && mv "${entries[0]}.v2" "${entries[0]}"
sed -n '2,5p' "${entries[1]}" | jq -R . | jq -s '{node: .[0], record: .[1], manifest: .[2], config: .[3]}' \
  >"${entries[1]}.json" && mv "${entries[1]}.json" "${entries[1]}"
"$STRATA" build --progress plain //... >"$T/out6" 2>"$T/err"
diff "$T/out3" "$T/out6" || fail "the build from older entries printed other digests"
expect_not_contains "$T/err" "up to date"
[ "$(head -n 1 "${entries[0]}")" = strata-built-v3 ] && [ "$(head -n 1 "${entries[1]}")" = strata-built-v3 ] ||
  fail "older entries were not rewritten"
"$STRATA" build --no-cache --progress plain //... >/dev/null 2>"$T/err" || { cat "$T/err"; fail "--no-cache"; }
# The 4 targets' entries are v3 (an entry of a target edited away earlier stays as it was: the
# check must not pick it, whatever its key sorts as).
"$STRATA" build --progress plain //... >/dev/null 2>"$T/err"
expect_contains "$T/err" "4 target(s) up to date"
entry=$(entry_of //apps/hello:default)
[ -n "$entry" ] && [ "$(head -n 1 "$entry")" = strata-built-v3 ] || fail "no v3 entry for //apps/hello"
# Cut inside its last line, then at the end of a line (the memo count lost whole).
for cut in "head -c -1" "head -n -1"; do
  $cut "$entry" >"$entry.torn" && mv "$entry.torn" "$entry"
  "$STRATA" build --progress plain //... >"$T/out7" 2>"$T/err" || { cat "$T/err"; fail "torn entry"; }
  expect_not_contains "$T/err" "up to date"
  diff "$T/out3" "$T/out7" || fail "the build after a torn entry ($cut) printed other digests"
  [ "$(tail -c 1 "$entry" | od -An -c | tr -d ' ')" = '\n' ] || fail "the torn entry was not rewritten"
done

# Compressed-layer memos (docs/runtime.md, "Deferred compression"): //sel:app copies a file out
# of //sel:builder's RUN. Built alone (staying in the store), app leaves builder's layer
# deferred (plain tar); exporting //sel:builder (-o) compresses it through a memo, which its
# built-image entry remembers; the label build of //sel/... is then a no-op whose root file
# names the memo. The next no-op renews that file (with the memo) rather than writing one
# without it: after every root file is aged past --keep-days but for that renewal, gc keeps the
# memo and its blob, and the next no-op still finds them. (A separate store: gc of aged roots
# would drop the rest.)
export STRATA_STORE=$T/store-memo
mkdir -p "$W/sel"
cat >"$W/sel/build.strata" <<'EOF'
let
  bb = import //libs/bb;
  builder = bb.base |> run "echo built > /out";
in
{ inherit builder; app = bb.base |> copy (builder / "/out") "/out"; }
EOF
"$STRATA" build --progress plain //sel:app >/dev/null 2>"$T/err" || { cat "$T/err"; fail "//sel:app"; }
"$STRATA" build --progress plain //sel:builder -o "oci:$T/sel-layout" >/dev/null 2>"$T/err" ||
  { cat "$T/err"; fail "//sel:builder -o"; }
"$STRATA" build --progress plain //sel/... >"$T/sel.out" 2>"$T/err" || { cat "$T/err"; fail "//sel/..."; }
expect_contains "$T/err" "2 target(s) up to date"
memos=()
for key in $(jq -r '.roots[]? | select(.blobs == []) | .key' "$STRATA_STORE"/roots/build-*.json | sort -u); do
  [ "$(jq -r .op "$STRATA_STORE/nodes/$key.json")" = compress ] && memos+=("$key")
done
[ "${#memos[@]}" = 1 ] || fail "the label build's root names ${#memos[@]} memos: $(cat "$STRATA_STORE"/roots/*)"
memo_blob=$(jq -r '.image.layers[0].digest' "$STRATA_STORE/nodes/${memos[0]}.json")
for root in "$STRATA_STORE"/roots/*.json; do
  jq -c '.time = 1000' "$root" >"$root.new" && touch -d '3 days ago' "$root.new" && mv "$root.new" "$root"
done
roots_before=$(ls "$STRATA_STORE/roots")
# The no-op's root file: both targets and the memo (the export's names builder and the memo).
memo_root=$(for f in $(grep -l "${memos[0]}" "$STRATA_STORE"/roots/build-*.json); do
  if [ "$(jq '.roots | length' "$f")" = 3 ]; then echo "$f"; fi; done)
[ -n "$memo_root" ] || fail "no root file names both targets and the memo: $(cat "$STRATA_STORE"/roots/*)"
inode=$(stat -c %i "$memo_root")
"$STRATA" build --progress plain //sel/... >"$T/sel.noop" 2>"$T/err"
expect_contains "$T/err" "2 target(s) up to date"
diff "$T/sel.out" "$T/sel.noop" || fail "the no-op printed other digests"
[ "$(ls "$STRATA_STORE/roots")" = "$roots_before" ] || fail "the no-op added a root file: $(ls "$STRATA_STORE/roots")"
# Renewed, not rewritten: the same file, its recorded time as it was, its mtime now.
[ "$(stat -c %i "$memo_root")" = "$inode" ] && [ "$(jq .time "$memo_root")" = 1000 ] ||
  fail "the no-op rewrote its root file"
[ "$(( $(date +%s) - $(stat -c %Y "$memo_root") ))" -lt 3600 ] || fail "the no-op did not renew its root file"
"$STRATA" gc --keep-days 1 >"$T/gc.out" 2>&1 || { cat "$T/gc.out"; fail "gc"; }
[ -f "$STRATA_STORE/nodes/${memos[0]}.json" ] || { cat "$T/gc.out"; fail "gc dropped the memo a no-op used"; }
[ -f "$STRATA_STORE/blobs/sha256/${memo_blob#sha256:}" ] || fail "gc dropped the compressed layer"
expect_contains "$T/gc.out" "node records: removed 0"
"$STRATA" build --progress plain //sel/... >"$T/sel.after" 2>"$T/err"
expect_contains "$T/err" "2 target(s) up to date"
diff "$T/sel.out" "$T/sel.after" || fail "the no-op after gc printed other digests"
rm -rf "$W/sel"
export STRATA_STORE=$T/store

# -o takes one target.
"$STRATA" build //apps/hello -o "oci:$T/layout" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build -o"; }
umoci stat --image "$T/layout" >/dev/null 2>&1 || skopeo inspect "oci:$T/layout" >/dev/null || fail "layout unreadable"
set +e
"$STRATA" build //apps/... -o "oci:$T/layout2" >/dev/null 2>"$T/err"; code=$?
set -e
[ "$code" = 1 ] || fail "-o with several targets: exit $code"
expect_contains "$T/err" "3 targets match"

# Independent targets are built at once (one plan, Executor::BuildAll): each of these two RUN
# steps waits, through a shared cache mount, for the other to have started, so they pass only
# if both run together (each gives up after 60 s and fails the build). -j 2 whatever the cores.
mkdir -p "$W/par"
cat >"$W/par/build.strata" <<'EOF'
let
  bb = import //libs/bb;
  meet = me: other: bb.base |> runWith { cache = [ "/meet" ]; }
    "touch /meet/${me}; i=0; while [ ! -e /meet/${other} ]; do i=$((i + 1)); [ $i -lt 600 ] || exit 1; sleep 0.1; done; echo ${me} > /${me}";
in
{ a = meet "a" "b"; b = meet "b" "a"; }
EOF
"$STRATA" build -j 2 --progress plain //par/... >"$T/par.out" 2>"$T/err" || { cat "$T/err"; fail "two targets that meet"; }
[ "$(awk '{ print $2 }' "$T/par.out" | tr '\n' ' ')" = "//par:a //par:b " ] || fail "par: $(cat "$T/par.out")"
# The same digests as two separate builds (two processes on an empty store, which meet too).
export STRATA_STORE=$T/store-apart
"$STRATA" build //par:a >"$T/apart.a" 2>"$T/err.a" &
apart=$!
"$STRATA" build //par:b >"$T/apart.b" 2>"$T/err.b" || { cat "$T/err.b"; fail "//par:b on its own"; }
wait "$apart" || { cat "$T/err.a"; fail "//par:a on its own"; }
export STRATA_STORE=$T/store
[ "$(awk '{ print $1 }' "$T/par.out")" = "$(cat "$T/apart.a" "$T/apart.b" | awk '{ print $1 }')" ] ||
  fail "one plan and two builds differ: $(cat "$T/par.out" "$T/apart.a" "$T/apart.b")"

# graph and check take labels.
"$STRATA" graph //apps/web --format json >"$T/graph"
[ "$(jq '.roots | length' "$T/graph")" = 1 ] || fail "graph of one label"
"$STRATA" graph //... --format json >"$T/graph"
[ "$(jq '.roots | length' "$T/graph")" = 6 ] || fail "graph of //..."
"$STRATA" check //... >"$T/out"
expect_contains "$T/out" "checked 4 packages, 6 targets"

# Bad labels.
set +e
"$STRATA" build //apps/helo >/dev/null 2>"$T/err"; code=$?
set -e
[ "$code" = 1 ] || fail "missing package: exit $code"
expect_contains "$T/err" "no package //apps/helo"
expect_contains "$T/err" "near: //apps/hello"
set +e
"$STRATA" build //apps/web:tols.sh >/dev/null 2>"$T/err"; code=$?
set -e
[ "$code" = 1 ] || fail "missing target: exit $code"
expect_contains "$T/err" "near: //apps/web:tools.sh"
set +e
"$STRATA" graph //apps/web:: >/dev/null 2>"$T/err"; code=$?
set -e
[ "$code" = 2 ] || fail "malformed label: exit $code"
set +e
(cd "$T" && "$STRATA" targets) >/dev/null 2>"$T/err"; code=$?
set -e
[ "$code" = 1 ] || fail "outside a workspace: exit $code"
expect_contains "$T/err" "not in a workspace"
echo ok
