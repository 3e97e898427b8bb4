#!/usr/bin/env bash
# examples/seeds/node, an Express app whose modules `npm ci` installs from the npm registry in a
# network step with a declared output checksum: `default` (Debian's nodejs) and `minimal` (node's
# ELF closure on scratch) under `strata run` answer GET / with 200 and "hello" as a non-root
# user and hold no npm, apt, dpkg or shell. Editing server.js does not run `npm ci` again; a
# second empty store gives the same digest (the network step's output is reproducible).
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

# One changed source file: `npm ci` is not run again.
echo "// edited" >>"$T/w/server.js"
build minimal "${ca[@]}" || { cat "$T/err"; fail "rebuild after an edit failed"; }
! grep -E 'start +exec .*npm-cli' "$T/err" >/dev/null || { cat "$T/err"; fail "npm ci ran again"; }
grep -E 'start +copy ' "$T/err" >/dev/null || { cat "$T/err"; fail "the sources were not copied again"; }
sed -i '$d' "$T/w/server.js"

STRATA_STORE=$T/store2 build default "${ca[@]}" || { cat "$T/err"; fail "default in a second store"; }
[[ $(digest) == "${digests[default]}" ]] || fail "default: ${digests[default]}, then $(digest) in another store"
echo PASS
