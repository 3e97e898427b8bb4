#!/usr/bin/env bash
# The remote cache (--cache-to / --cache-from) through Debian's docker-registry on 127.0.0.1
# with htpasswd auth: store A builds a two-stage program with a RUN step and pushes its nodes;
# an empty store B then builds with only cache hits (plain progress says so, nothing starts)
# and the same manifest digest; a blob tampered with in the registry's storage is refused and
# the nodes holding it are built locally, to the same digest; another --source-date-epoch takes
# no RUN from the cache; nodes on an unpinned image are never pushed; a registry that is down
# or refuses the login is a warning for --cache-from and an error for --cache-to. Prints the figures (seconds, bytes) of A's cold build, the
# push and B's fetch-only build.
source "$(dirname "$0")/lib.sh"
source "$HERE/fixtures/registry.sh"
user=strata password=cache-secret
registry_for_test "$user" "$password"
cache=docker://$host/strata/cache
mkdir -p "$DOCKER_CONFIG"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$host" "$(printf '%s:%s' "$user" "$password" | base64 -w0)" \
  >"$DOCKER_CONFIG/config.json"
tags() { curl -sf -u "$user:$password" "http://$host/v2/strata/cache/tags/list" | jq -r '.tags // [] | .[]' | sort; }
now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

mkdir -p "$T/w/src"
mv "$T/busybox-layout" "$T/w/busybox-layout"
echo "hello from the cache" >"$T/w/src/msg.txt"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  builder = base
    |> workdir "/work"
    |> copy ./src "."
    |> run "mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg && echo ran-the-build-step";
in {
  default = scratch
    |> copy (builder / "/out/msg") "/msg"
    |> copy (base / "/bin/busybox") "/bin/"
    |> entrypoint [ "/bin/busybox" "cat" "/msg" ];
}
STRATA

# Store A: cold build, then the push (timed apart: the build without --cache-to first).
export STRATA_STORE=$T/store-a
t0=$(now)
build -o "oci:$T/a:v1" || { cat "$T/err"; fail "cold build on store A"; }
t1=$(now)
digest_a=$(digest)
expect_contains "$T/err" "ran-the-build-step"
build --cache-to "$cache" || { cat "$T/err"; fail "push to the cache"; }
t2=$(now)
[ "$(digest)" = "$digest_a" ] || fail "the warm build with --cache-to changed the digest"
expect_contains "$T/err" "strata: cache pushed to $host/strata/cache:"
pushed_line=$(grep "cache pushed" "$T/err")
tags >"$T/tags-a"
[ -s "$T/tags-a" ] || fail "nothing was pushed: $pushed_line"
grep -qv '^strata-cache-v1-[0-9a-f]\{32\}$' "$T/tags-a" && fail "unexpected tag names: $(cat "$T/tags-a")"
first_tag=$(head -n 1 "$T/tags-a")
skopeo inspect --raw --creds "$user:$password" --tls-verify=false "docker://$host/strata/cache:$first_tag" >"$T/entry.json"
[ "$(jq -r .artifactType "$T/entry.json")" = "application/vnd.strata.cache.node.v1" ] || fail "artifactType: $(cat "$T/entry.json")"
[ "$(jq -r .config.mediaType "$T/entry.json")" = "application/vnd.strata.cache.record.v1+json" ] || fail "record type"
# A second push finds everything there.
build --cache-to "$cache" || { cat "$T/err"; fail "second push"; }
expect_contains "$T/err" " 0 node(s) pushed"

# Store B, empty: only cache hits, and the same image.
export STRATA_STORE=$T/store-b
t3=$(now)
build --cache-from "$cache" -o "oci:$T/b:v1" || { cat "$T/err"; fail "build on store B"; }
t4=$(now)
[ "$(digest)" = "$digest_a" ] || fail "store B built $(digest), store A $digest_a"
expect_contains "$T/err" "(remote cache)"
expect_contains "$T/err" "strata: remote cache: 1 node(s) fetched"
expect_not_contains "$T/err" "start  "
expect_not_contains "$T/err" "ran-the-build-step"
expect_not_contains "$T/err" "warning"
fetched_line=$(grep "remote cache:" "$T/err")
umoci unpack --image "$T/b:v1" "$T/bundle" >/dev/null
[ "$(run_bundle "$T/bundle")" = "HELLO FROM THE CACHE" ] || fail "store B's image does not run"
"$STRATA" store verify --store "$T/store-b" >/dev/null 2>&1 || fail "store B does not verify"

# Another --source-date-epoch is another record key: the RUN is not taken from the cache.
export STRATA_STORE=$T/store-epoch
build --cache-from "$cache" --source-date-epoch 100 || { cat "$T/err"; fail "build with epoch 100"; }
[ "$(digest)" != "$digest_a" ] || fail "epoch 100 gave epoch 0's digest"
expect_contains "$T/err" "ran-the-build-step"

# Tamper with the top layer (busybox copied onto scratch) in the registry's storage, same size.
top=$(skopeo inspect "oci:$T/a:v1" | jq -r '.Layers[-1]')
data=$T/registry/storage/docker/registry/v2/blobs/sha256/${top:7:2}/${top:7}/data
[ -f "$data" ] || fail "no registry blob at $data"
chmod u+w "$data"
printf 'X' | dd of="$data" bs=1 seek=100 conv=notrunc status=none
export STRATA_STORE=$T/store-c
# (Exported: the top layer is then compressed into store C, as the cache holds it.)
build --cache-from "$cache" -o "oci:$T/c:v1" || { cat "$T/err"; fail "build with a tampered cache entry"; }
[ "$(digest)" = "$digest_a" ] || fail "the tampered cache changed the digest: $(digest)"
expect_contains "$T/err" "is refused"
expect_contains "$T/err" "does not match its digest"
expect_contains "$T/err" "building it here"
expect_contains "$T/err" "(remote cache)"          # the builder stage is intact: fetched
expect_not_contains "$T/err" "ran-the-build-step"   # ... so its RUN did not run
expect_contains "$T/err" "done   copy"             # the copies holding the bad layer ran here
"$STRATA" store verify --store "$T/store-c" >/dev/null 2>&1 || fail "a tampered blob entered store C"
[ "$(sha256sum "$T/store-c/blobs/sha256/${top:7}" | cut -d' ' -f1)" = "${top:7}" ] || fail "store C holds a bad top layer"

# Outputs built on an unpinned image are never pushed (nor are their dependants).
skopeo copy --quiet --dest-creds "$user:$password" --dest-tls-verify=false \
  "oci:$T/w/busybox-layout:latest" "docker://$host/busybox:latest"
mkdir -p "$T/unpinned"
cat >"$T/unpinned/build.strata" <<STRATA
{ default = image "$host/busybox:latest" |> run "echo unpinned > /u"; }
STRATA
export STRATA_STORE=$T/store-d
tags >"$T/tags-before"
(cd "$T/unpinned" && "$STRATA" build --progress plain --cache-to "$cache") >"$T/out" 2>"$T/err" \
  || { cat "$T/err"; fail "unpinned build"; }
expect_contains "$T/err" " 0 node(s) pushed"
expect_contains "$T/err" "2 not shareable"
tags >"$T/tags-after"
cmp -s "$T/tags-before" "$T/tags-after" || fail "an unpinned node was pushed"

# The wrong password: --cache-from warns and builds; --cache-to fails.
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$host" "$(printf '%s:wrong' "$user" | base64 -w0)" >"$DOCKER_CONFIG/config.json"
export STRATA_STORE=$T/store-e
build --cache-from "$cache" || { cat "$T/err"; fail "--cache-from with a refused login must not fail the build"; }
[ "$(digest)" = "$digest_a" ] || fail "digest after a refused login"
expect_contains "$T/err" "warning: remote cache $host/strata/cache is not used for the rest of this build"
expect_contains "$T/err" "ran-the-build-step"
status=0; build --cache-to "$cache" || status=$?
[ "$status" = 1 ] || fail "--cache-to with a refused login: exit $status"
expect_contains "$T/err" "error: cannot push the build cache to $host/strata/cache"

# A registry that is down: the same.
registry_stop
export STRATA_STORE=$T/store-f
build --cache-from "$cache" || { cat "$T/err"; fail "--cache-from with the registry down must not fail the build"; }
[ "$(digest)" = "$digest_a" ] || fail "digest with the registry down"
expect_contains "$T/err" "cannot reach registry $host"
status=0; build --cache-to "$cache" || status=$?
[ "$status" = 1 ] || fail "--cache-to with the registry down: exit $status"
expect_contains "$T/err" "cannot reach registry $host"

# Usage: a tag in the cache reference.
status=0; build --cache-from "$cache:v1" || status=$?
[ "$status" = 2 ] || fail "--cache-from with a tag: exit $status"
expect_contains "$T/err" "without a tag"

bytes_a=$(du -sb "$T/store-a/blobs" | cut -f1)
bytes_reg=$(du -sb "$T/registry/storage" | cut -f1)
bytes_b=$(du -sb "$T/store-b/blobs" | cut -f1)
echo "figures: cold build on store A $(seconds "$t0" "$t1")s (blobs ${bytes_a} bytes);" \
  "push $(seconds "$t1" "$t2")s ($pushed_line; registry ${bytes_reg} bytes);" \
  "fetch-only build on store B $(seconds "$t3" "$t4")s ($fetched_line; blobs ${bytes_b} bytes)"
echo "remote_cache: ok"
