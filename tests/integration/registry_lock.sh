#!/usr/bin/env bash
# `strata lock` against Debian's docker-registry on 127.0.0.1: pins `image "ref"` to the digests
# skopeo reports, keeps pins until --update, changes derivation keys with the lock, and fails
# cleanly (lock untouched) for unknown tags and unreachable registries.
# Usage: bash registry_lock.sh STRATA_BINARY
set -euo pipefail
strata=$(realpath "${1:?usage: registry_lock.sh STRATA_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
source "$here/fixtures/registry.sh"
cleanup() {
  registry_stop
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export STRATA_STORE=$work/store DOCKER_CONFIG=$work/docker-config

registry_start "$work/registry"
host=$REGISTRY_HOST

bash "$here/fixtures/make-busybox-image.sh" "$work/busybox" > /dev/null
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" "docker://$host/busybox:latest"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/busybox:latest" "docker://$host/tools/busybox:1.36"
digest_of() { skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$1"; }
latest=$(digest_of "$host/busybox:latest")
tools=$(digest_of "$host/tools/busybox:1.36")

mkdir -p "$work/app"
cat > "$work/app/build.strata" <<STRATA
let
  base = image "$host/busybox:latest";
in {
  default = base |> run "echo hi";
  tools = image "$host/tools/busybox:1.36";
}
STRATA
cd "$work/app"

# Unlocked: the pull node has no digest.
"$strata" graph > "$work/graph-unlocked.txt"
grep -q "ref=\"$host/busybox:latest\"" "$work/graph-unlocked.txt" || fail "no pull node: $(cat "$work/graph-unlocked.txt")"
grep -q 'digest=' "$work/graph-unlocked.txt" && fail "unlocked pull has a digest"
"$strata" lock --check 2> "$work/check.err" && fail "--check passed without a lock"
grep -q "is not locked" "$work/check.err" || fail "--check message: $(cat "$work/check.err")"

# strata lock writes the digests skopeo sees, sorted, and nothing else.
"$strata" lock > /dev/null 2> "$work/lock.err" || fail "strata lock: $(cat "$work/lock.err")"
expected=$(printf '{\n  "images": {\n    "%s": "%s",\n    "%s": "%s"\n  },\n  "version": 1\n}' \
  "$host/busybox:latest" "$latest" "$host/tools/busybox:1.36" "$tools")
[ "$(cat strata.lock)" = "$expected" ] || fail "strata.lock is:
$(cat strata.lock)
expected:
$expected"
"$strata" lock --check || fail "--check after lock"

# The locked digest is in the pull node, and every key above it changes.
"$strata" graph > "$work/graph-locked.txt"
grep -q "digest=\"$latest\" ref=\"$host/busybox:latest\"" "$work/graph-locked.txt" || fail "locked graph: $(cat "$work/graph-locked.txt")"
exec_unlocked=$(awk '$2 == "exec" {print $1}' "$work/graph-unlocked.txt")
exec_locked=$(awk '$2 == "exec" {print $1}' "$work/graph-locked.txt")
[ -n "$exec_locked" ] && [ "$exec_unlocked" != "$exec_locked" ] || fail "the exec key did not change with the lock"

# The tag moves (the same image as a Docker v2 manifest): lock keeps the pin until --update.
skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false --format v2s2 \
  "docker://$host/busybox:latest" "docker://$host/busybox:latest"
moved=$(digest_of "$host/busybox:latest")
[ "$moved" != "$latest" ] || fail "the tag did not move"
"$strata" lock > /dev/null 2>&1
grep -q "\"$latest\"" strata.lock || fail "plain lock re-resolved a pinned image"
"$strata" lock --update "$host/busybox:latest" > /dev/null 2> "$work/update.err"
grep -q "updated $host/busybox:latest $moved" "$work/update.err" || fail "update message: $(cat "$work/update.err")"
grep -q "\"$host/busybox:latest\": \"$moved\"" strata.lock || fail "--update did not re-resolve: $(cat strata.lock)"
grep -q "\"$host/tools/busybox:1.36\": \"$tools\"" strata.lock || fail "--update touched another image"
"$strata" lock --update "$host/other:1" > /dev/null 2> "$work/usage.err" && fail "--update of an unused ref passed"
grep -q "the program uses no image" "$work/usage.err" || fail "unused --update message: $(cat "$work/usage.err")"

# An unknown tag fails with a clear message and leaves the lock as it was.
cp strata.lock "$work/lock.before"
sed -i "s|tools/busybox:1.36|tools/busybox:nope|" build.strata
status=0; "$strata" lock > /dev/null 2> "$work/nope.err" || status=$?
[ "$status" = 1 ] || fail "unknown tag: exit $status"
grep -q "cannot lock image \"$host/tools/busybox:nope\": image $host/tools/busybox:nope not found" "$work/nope.err" \
  || fail "unknown tag message: $(cat "$work/nope.err")"
cmp -s strata.lock "$work/lock.before" || fail "a failed lock changed strata.lock"

# A removed image is dropped from the lock (and --check reports it first).
sed -i '/tools = /d' build.strata
"$strata" lock --check 2> "$work/stale.err" && fail "--check passed with a stale entry"
grep -q "no longer used" "$work/stale.err" || fail "stale message: $(cat "$work/stale.err")"
"$strata" lock > /dev/null 2> "$work/removed.err"
grep -q "removed $host/tools/busybox:1.36" "$work/removed.err" || fail "removal message: $(cat "$work/removed.err")"
grep -q "tools/busybox" strata.lock && fail "stale entry kept"

# An unreachable registry names the host and leaves the lock alone.
registry_stop
cp strata.lock "$work/lock.before"
status=0; "$strata" lock --update-all > /dev/null 2> "$work/down.err" || status=$?
[ "$status" = 1 ] || fail "unreachable registry: exit $status"
grep -q "cannot reach registry $host" "$work/down.err" || fail "unreachable message: $(cat "$work/down.err")"
cmp -s strata.lock "$work/lock.before" || fail "a failed lock changed strata.lock"

# A malformed lock is an error of every command that evaluates, naming the file.
echo '{' > strata.lock
status=0; "$strata" graph > /dev/null 2> "$work/bad.err" || status=$?
[ "$status" = 1 ] || fail "malformed lock: exit $status"
grep -q "strata.lock: not valid JSON" "$work/bad.err" || fail "malformed lock message: $(cat "$work/bad.err")"
echo "registry_lock: ok"
