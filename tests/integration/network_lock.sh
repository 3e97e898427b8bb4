#!/usr/bin/env bash
# `strata lock` records the output hash of each `runWith { network = true; }` step without a
# sha256 (two stacked steps: the upper one's key depends on the lower one's hash), a build
# uses the recorded hashes, and fails at the step's file:line:col naming both hashes when the
# output differs. Without a lock entry such a step is an error that says to run `strata lock`.
# As in network_checksum.sh, the steps contact nothing: they write fixed files. A step that
# declares a secret gets it from `strata lock --secret`, as from `strata build --secret`.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  fetched = base |> runWith { network = true; } "mkdir -p /out && echo dependencies > /out/deps";
in {
  default = fetched |> runWith { network = true; } "echo second > /out/second";
  noisy = base |> runWith { network = true; } "mkdir -p /out && cat /proc/sys/kernel/random/uuid > /out/id";
}
STRATA

# No lock entry: an error at the step that says what to do; nothing runs.
set +e
build; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "an unlocked network step: exit $rc"; }
expect_contains "$T/err" "build.strata:3:"
expect_contains "$T/err" 'run `strata lock` to record it'
(cd "$T/w" && "$STRATA" lock --check) 2>"$T/check" && fail "lock --check passed with unlocked network steps"
expect_contains "$T/check" "the network step at build.strata:3:"

# strata lock runs both steps (lower first) and records their hashes.
(cd "$T/w" && "$STRATA" lock) >"$T/lock-out" 2>"$T/lock-err" || { cat "$T/lock-err"; fail "strata lock failed"; }
expect_contains "$T/lock-err" "locked network step build.strata:3:"
expect_contains "$T/lock-err" "locked network step build.strata:5:"
lock=$T/w/strata.lock
[ "$(jq '.network | length' "$lock")" = 3 ] || { cat "$lock"; fail "expected 3 network entries"; }
jq -e '.network | all(.[]; (.sha256 | test("^sha256:[0-9a-f]{64}$")) and (.step | startswith("build.strata:")) and (.command | length > 0))' \
  "$lock" >/dev/null || { cat "$lock"; fail "a network entry lacks sha256, step or command"; }
(cd "$T/w" && "$STRATA" lock --check) 2>"$T/check" || { cat "$T/check"; fail "lock --check after lock"; }

# A build uses the recorded hashes: the image's last diff_id is the upper step's hash.
build -o "oci:$T/layout:v1" || { cat "$T/err"; fail "the locked network steps did not build"; }
# ...from the outputs lock built: the first build after `strata lock` runs no step again.
! grep -E 'start +exec' "$T/err" >/dev/null || { cat "$T/err"; fail "the first build after strata lock ran a locked step again"; }
skopeo inspect --config "oci:$T/layout:v1" | jq -r '.rootfs.diff_ids[-1]' >"$T/diff_id"
jq -r '.network[] | select(.step | startswith("build.strata:5:")) | .sha256' "$lock" >"$T/recorded"
cmp "$T/diff_id" "$T/recorded" || fail "the image's diff_id $(cat "$T/diff_id") is not the recorded $(cat "$T/recorded")"
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/out/deps")" = dependencies ] || fail "the lower step's file is missing"

# An output that differs from the record (the step is not reproducible): a located error with both hashes.
recorded=$(jq -r '.network[] | select(.step | startswith("build.strata:6:")) | .sha256' "$lock")
# (--no-cache: lock stored the output it recorded, so only a rerun shows the difference.)
set +e
build --no-cache noisy; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "a differing network output: exit $rc"; }
expect_contains "$T/err" "build.strata:6:"
expect_contains "$T/err" "strata.lock records $recorded, got sha256:"
# --update-network runs the steps again and records their new output.
(cd "$T/w" && "$STRATA" lock --update-network) 2>"$T/lock-err" || { cat "$T/lock-err"; fail "lock --update-network"; }
[ "$(jq -r '.network[] | select(.step | startswith("build.strata:6:")) | .sha256' "$lock")" != "$recorded" ] \
  || fail "--update-network kept the old hash"
build || { cat "$T/err"; fail "a reproducible step failed after --update-network"; }

# A step no longer in the program loses its entry.
sed -i '/noisy = /d' "$T/w/build.strata"
(cd "$T/w" && "$STRATA" lock) 2>"$T/lock-err" || { cat "$T/lock-err"; fail "lock after removing a step"; }
expect_contains "$T/lock-err" "removed network step build.strata:6:"
[ "$(jq '.network | length' "$lock")" = 2 ] || { cat "$lock"; fail "the removed step is still locked"; }
# A network step that needs a secret (a proxy's CA bundle, a token) is locked with --secret.
mkdir -p "$T/s"
cp -r "$T/w/busybox-layout" "$T/s/busybox-layout"
echo token-contents >"$T/token"
cat >"$T/s/build.strata" <<'STRATA'
{ default = load ./busybox-layout
    |> runWith { network = true; secrets = [ { id = "tok"; } ]; } "mkdir -p /out && cp /run/secrets/tok /out/tok"; }
STRATA
(cd "$T/s" && "$STRATA" lock) 2>"$T/lock-err" && { cat "$T/lock-err"; fail "lock ran a step without its required secret"; }
(cd "$T/s" && "$STRATA" lock --secret id=tok,src="$T/token") 2>"$T/lock-err" || { cat "$T/lock-err"; fail "lock --secret"; }
[ "$(jq '.network | length' "$T/s/strata.lock")" = 1 ] || { cat "$T/s/strata.lock"; fail "the step with a secret is not locked"; }
(cd "$T/s" && "$STRATA" build --progress plain --secret id=tok,src="$T/token" -o "oci:$T/layout:s") >"$T/out" 2>"$T/err" \
  || { cat "$T/err"; fail "the build disagrees with the hash locked with the secret"; }
! grep -E 'start +exec' "$T/err" >/dev/null || { cat "$T/err"; fail "the build after lock --secret ran the step again"; }
umoci unpack --image "$T/layout:s" "$T/s-root" >/dev/null
[ "$(cat "$T/s-root/rootfs/out/tok")" = token-contents ] || fail "the locked step did not see the secret"
echo PASS
