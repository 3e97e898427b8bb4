#!/usr/bin/env bash
# examples/seeds/node, an Express app whose modules `npm ci` installs from the npm registry in a
# network step whose output hash `strata lock` records (the build refuses the step before the
# lock; the lock holds the npm step's hash). `default` (Debian's nodejs) and `minimal` (node's
# ELF closure on scratch) under `strata run` answer GET / with 200 and "hello" as a non-root
# user and hold no npm, apt, dpkg or shell. A second build with the lock is a cache hit; editing
# server.js does not run `npm ci` again; a second empty store gives the same digest (the network
# step's output is reproducible, and matches the lock). An explicit `sha256` also works.
# The Dockerfile (its `npm ci` in the locked base) serves; `strata import` gives the same digest.
# Needs registry.npmjs.org; behind a TLS-inspecting proxy the host's CA bundle is passed as the
# recipe's optional `npm-ca` secret.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fixtures/app_checks.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
cp -r "$HERE/../../examples/seeds/node" "$T/w"
rm -rf "$T/w/node_modules"
ca=()
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && ca=(--secret id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt)

# No lock yet: the npm step is refused at evaluation, with what to do.
build default "${ca[@]}" && fail "an unlocked npm step built"
grep -q 'run `strata lock`' "$T/err" || { cat "$T/err"; fail "the unlocked npm step's error does not say to run strata lock"; }
(cd "$T/w" && "$STRATA" lock "${ca[@]}") >"$T/out" 2>"$T/lock-err" || { cat "$T/lock-err"; fail "strata lock"; }
lock=$T/w/strata.lock
jq -e '[.network[] | select(.command | contains("npm-cli.js"))] | length == 1' "$lock" >/dev/null \
  || { cat "$lock"; fail "strata.lock has no network entry for the npm step"; }
npm_sha=$(jq -r '.network[] | select(.command | contains("npm-cli.js")) | .sha256' "$lock")
[[ $npm_sha =~ ^sha256:[0-9a-f]{64}$ ]] || fail "the npm step's recorded hash: $npm_sha"

declare -A digests
for target in default minimal; do
  build "$target" "${ca[@]}" -o "oci:$T/layout:$target" || { cat "$T/err"; fail "$target did not build"; }
  digests[$target]=$(digest)
  umoci unpack --image "$T/layout:$target" "$T/$target" >/dev/null
  NOSHELL=1 check_no_tools "$T/$target/rootfs"
  [[ -f $T/$target/rootfs/app/node_modules/express/package.json ]] || fail "$target has no express"
  [[ ! -e $T/$target/rootfs/usr/share/nodejs/npm ]] || fail "$target holds npm"
  serve_strata_run "$target"
done

# The Dockerfile (FROM npm: the locked `npm ci` step's stage; then FROM node) and its import.
BUILD_OPTS=("${ca[@]+"${ca[@]}"}")
NOSHELL=1 check_dockerfile npm=npm node=node

# A second build with the lock: a cache hit (the image's node is found, nothing below it runs),
# the same image.
build default "${ca[@]}" || { cat "$T/err"; fail "the second build failed"; }
! grep -E 'start +' "$T/err" >/dev/null || { cat "$T/err"; fail "the second build ran steps"; }
grep -E 'cached +' "$T/err" >/dev/null || { cat "$T/err"; fail "the second build was no cache hit"; }
[[ $(digest) == "${digests[default]}" ]] || fail "default: ${digests[default]}, then $(digest)"

# The hash declared in the program (it takes precedence over the lock): the same image.
sed -i "s|opts = { src = |opts = { sha256 = \"$npm_sha\"; src = |" "$T/w/build.strata"
build default "${ca[@]}" || { cat "$T/err"; fail "default with a declared sha256"; }
[[ $(digest) == "${digests[default]}" ]] || fail "default with sha256: ${digests[default]}, then $(digest)"
cp "$HERE/../../examples/seeds/node/build.strata" "$T/w/build.strata"

# One changed source file: `npm ci` is not run again.
echo "// edited" >>"$T/w/server.js"
build minimal "${ca[@]}" || { cat "$T/err"; fail "rebuild after an edit failed"; }
! grep -E 'start +exec .*npm-cli' "$T/err" >/dev/null || { cat "$T/err"; fail "npm ci ran again"; }
grep -E 'start +copy ' "$T/err" >/dev/null || { cat "$T/err"; fail "the sources were not copied again"; }
sed -i '$d' "$T/w/server.js"

STRATA_STORE=$T/store2 build default "${ca[@]}" || { cat "$T/err"; fail "default in a second store"; }
[[ $(digest) == "${digests[default]}" ]] || fail "default: ${digests[default]}, then $(digest) in another store"
echo PASS
