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

# One root file for the build's targets (WriteRoots), and gc keeps every target it names: the
# no-op after gc still finds every image and record.
"$STRATA" gc --keep-days 1 >"$T/gc.out" 2>&1 || { cat "$T/gc.out"; fail "gc"; }
jq -e '.roots | length == 4' "$(ls -t "$STRATA_STORE"/roots/*-build-*.json | head -n 1)" >/dev/null ||
  fail "no root file with the 4 targets: $(ls "$STRATA_STORE/roots")"
"$STRATA" build --progress plain //... >"$T/out5" 2>"$T/err"
diff "$T/out3" "$T/out5" || fail "the build after gc printed other digests"
expect_contains "$T/err" "4 target(s) up to date"

# The built-image index lists each image's layers (no manifest read in a no-op); an entry of
# the older JSON form is still read, through its manifest, and a torn entry (its last line cut)
# makes the build run in full, with the same digests.
for entry in "$STRATA_STORE"/package-cache/built-*; do
  [ "$(head -n 1 "$entry")" = strata-built-v2 ] || fail "built-image entry not v2: $(cat "$entry")"
  [ "$(wc -l <"$entry")" -ge 7 ] && [ "$(sed -n 6p "$entry")" = "$(($(wc -l <"$entry") - 6))" ] ||
    fail "built-image entry without its layers: $(cat "$entry")"
  sed -n '2,5p' "$entry" | jq -R . | jq -s '{node: .[0], record: .[1], manifest: .[2], config: .[3]}' \
    >"$entry.json" && mv "$entry.json" "$entry"
done
"$STRATA" build --progress plain //... >"$T/out6" 2>"$T/err"
diff "$T/out3" "$T/out6" || fail "the no-op from JSON entries printed other digests"
expect_contains "$T/err" "4 target(s) up to date"
"$STRATA" build --no-cache --progress plain //... >/dev/null 2>"$T/err" || { cat "$T/err"; fail "--no-cache"; }
# Each of the 4 targets' entries is v2 again (an entry of a target edited away earlier stays
# in the JSON form: the check must not pick it, whatever its key sorts as).
v2=$(for e in "$STRATA_STORE"/package-cache/built-*; do [ "$(head -n 1 "$e")" = strata-built-v2 ] && echo "$e"; done || true)
[ "$(echo "$v2" | grep -c .)" = 4 ] || fail "a full build did not write 4 v2 entries: $(ls "$STRATA_STORE"/package-cache)"
entry=$(echo "$v2" | head -n 1)
# Cut inside its last line, then at the end of a line (a layer line lost whole).
for cut in "head -c -1" "head -n -1"; do
  $cut "$entry" >"$entry.torn" && mv "$entry.torn" "$entry"
  "$STRATA" build --progress plain //... >"$T/out7" 2>"$T/err" || { cat "$T/err"; fail "torn entry"; }
  expect_not_contains "$T/err" "up to date"
  diff "$T/out3" "$T/out7" || fail "the build after a torn entry ($cut) printed other digests"
  [ "$(tail -c 1 "$entry" | od -An -c | tr -d ' ')" = '\n' ] || fail "the torn entry was not rewritten"
done

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
