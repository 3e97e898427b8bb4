#!/usr/bin/env bash
# `strata lock` in a workspace, against Debian's docker-registry on 127.0.0.1: run from a
# package's directory it pins the images of every package (one through a library) into the
# root's strata.lock, the one label builds read, and writes no lock beside the package; `--check`
# sees every package; the label build, `strata build -f` of the package and `--locked` agree on
# the pinned digest; `--arg` is refused in a workspace.
source "$(dirname "$0")/lib.sh"
source "$HERE/fixtures/registry.sh"
registry_for_test
skopeo copy --quiet --dest-tls-verify=false "oci:$T/busybox-layout:latest" "docker://$host/busybox:1"
skopeo copy --quiet --dest-tls-verify=false "oci:$T/busybox-layout:latest" "docker://$host/tools:2"
bb=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$host/busybox:1")
tools=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$host/tools:2")

W=$T/w
mkdir -p "$W/libs/base" "$W/apps/a" "$W/apps/b"
touch "$W/strata.workspace"
cat >"$W/libs/base/build.strata" <<EOF
{ bb = name: image "$host/busybox:1" |> env "NAME" name; }
EOF
cat >"$W/apps/a/build.strata" <<'EOF'
let
  base = import //libs/base;
in
{ default = base.bb "a" |> run "echo a > /a"; }
EOF
cat >"$W/apps/b/build.strata" <<EOF
{ default = image "$host/tools:2" |> run "echo b > /b"; }
EOF

# Unlocked: --check names both packages' images, whichever package it runs in.
(cd "$W/apps/a" && "$STRATA" lock --check) 2>"$T/check.err" && fail "--check passed without a lock"
expect_contains "$T/check.err" "$W/strata.lock: image \"$host/busybox:1\" is not locked"
expect_contains "$T/check.err" "$W/strata.lock: image \"$host/tools:2\" is not locked"

# From a package's directory: the root's lock, with both images, and no lock beside the package.
(cd "$W/apps/a" && "$STRATA" lock) >"$T/lock.out" 2>"$T/lock.err" || { cat "$T/lock.err"; fail "strata lock"; }
[ "$(cat "$T/lock.out")" = "$W/strata.lock" ] || fail "lock printed $(cat "$T/lock.out")"
[ ! -e "$W/apps/a/strata.lock" ] || fail "a lock was written beside the package"
[ "$(jq -c .images "$W/strata.lock")" = "{\"$host/busybox:1\":\"$bb\",\"$host/tools:2\":\"$tools\"}" ] ||
  fail "root lock: $(cat "$W/strata.lock")"
(cd "$W" && "$STRATA" lock --check) || fail "--check after lock"

# The label build pulls the pinned digest; the package built on its own gives the same image.
(cd "$W" && "$STRATA" graph //apps/a) >"$T/graph"
expect_contains "$T/graph" "digest=\"$bb\" ref=\"$host/busybox:1\""
(cd "$W" && "$STRATA" build --locked --progress plain //apps/a //apps/b) >"$T/out" 2>"$T/err" ||
  { cat "$T/err"; fail "build --locked //apps/a //apps/b"; }
a=$(awk '$2 == "//apps/a:default" { print $1 }' "$T/out")
[ -n "$a" ] || fail "no digest for //apps/a: $(cat "$T/out")"
(cd "$W/apps/a" && "$STRATA" build --locked) >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build in apps/a"; }
[ "$(tail -n 1 "$T/out")" = "$a" ] || fail "the package's own build differs from //apps/a"

# A new image in one package: --check fails from any directory, lock adds it, the others stay.
cat >"$W/apps/b/build.strata" <<EOF
{ default = image "$host/tools:2" |> run "echo b > /b"; other = image "$host/busybox:1"; c = image "$host/busybox:1" |> run "true"; }
EOF
skopeo copy --quiet --dest-tls-verify=false "oci:$T/busybox-layout:latest" "docker://$host/new:3"
sed -i "s|other = image \"$host/busybox:1\"|other = image \"$host/new:3\"|" "$W/apps/b/build.strata"
(cd "$W/libs/base" && "$STRATA" lock --check) 2>"$T/check.err" && fail "--check passed with a new image"
expect_contains "$T/check.err" "image \"$host/new:3\" is not locked"
(cd "$W" && "$STRATA" lock) >/dev/null 2>"$T/lock.err" || { cat "$T/lock.err"; fail "second lock"; }
expect_contains "$T/lock.err" "locked $host/new:3 sha256:"
expect_not_contains "$T/lock.err" "$host/busybox:1"
[ "$(jq -r ".images[\"$host/busybox:1\"]" "$W/strata.lock")" = "$bb" ] || fail "the old pin changed"

# A package's image that is no longer used anywhere leaves the root lock.
sed -i "s|other = image \"$host/new:3\"; ||" "$W/apps/b/build.strata"
(cd "$W" && "$STRATA" lock) >/dev/null 2>"$T/lock.err" || { cat "$T/lock.err"; fail "third lock"; }
expect_contains "$T/lock.err" "removed $host/new:3 (no longer used)"

# Packages take their defaults: --arg is a usage error in a workspace.
set +e
(cd "$W" && "$STRATA" lock --arg x=1) 2>"$T/arg.err"
status=$?
set -e
[ "$status" = 2 ] || fail "--arg in a workspace exited $status"
expect_contains "$T/arg.err" "--arg: a workspace's packages are locked with their defaults"
echo "workspace lock: ok"
