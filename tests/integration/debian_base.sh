#!/usr/bin/env bash
# `debian` against the real Debian mirror: a python3-minimal base runs python3 under `strata
# run`; its dpkg status lists every package; a ca-certificates base has the CA bundle; two empty stores give the same manifest digest;
# an unknown package or suite, an unreachable mirror, a bad signature, a tampered .deb and a
# tampered index are
# build errors (exit 1) naming what failed at the `debian` call's file:line:col, and leave no
# node record in the store.
# Downloads go through one shared cache ($STRATA_DEBIAN_CACHE), so CI fetches each .deb once.
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"

mkdir -p "$T/w"
cat >"$T/w/build.strata" <<'STRATA'
let
  python = debian { packages = [ "python3-minimal" ]; };
in {
  default = python |> entrypoint [ "python3" ];
  unknown = debian { packages = [ "python3-minimal" "no-such-package-strata" ]; };
  badsuite = debian { suite = "no-such-suite"; packages = [ "bash" ]; };
  tls = debian { packages = [ "ca-certificates" ]; };
}
STRATA

build -o "oci:$T/layout:py" || { cat "$T/err"; fail "the python3-minimal base did not build"; }
first=$(digest)
expect_contains "$T/err" "resolved"
(cd "$T/w" && "$STRATA" run --progress plain -- -c 'print(6*7)') >"$T/run-out" 2>"$T/run-err" \
  || { cat "$T/run-err"; fail "strata run failed"; }
[ "$(cat "$T/run-out")" = 42 ] || { cat "$T/run-out" "$T/run-err"; fail "python3 did not print 42"; }

# The image: dpkg's database lists every package of the closure; no apt, no dpkg, no shell.
umoci unpack --image "$T/layout:py" "$T/bundle" >/dev/null
root=$T/bundle/rootfs
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Status}\n' >"$T/status"
expect_contains "$T/status" "python3-minimal install ok installed"
expect_contains "$T/status" "libc6 install ok installed"
expect_not_contains "$T/status" "dpkg "
[ -f "$root/var/lib/dpkg/status.d/python3.11-minimal" ] || fail "no status.d entry"
[ ! -e "$root/usr/bin/apt" ] || fail "apt is in a distroless base"
[ ! -e "$root/bin/sh" ] || fail "a shell is in the base though none was asked for"
expect_contains "$root/etc/passwd" "nonroot:x:65532:65532"
[ "$(stat -c %a "$root/tmp")" = 1777 ] || fail "/tmp is not 1777"
layers=$(skopeo inspect "oci:$T/layout:py" | jq '.Layers | length')
packages=$(wc -l <"$T/status")
[ "$layers" = $((packages + 1)) ] || fail "expected one layer per package plus one, got $layers for $packages"

# Two empty stores, the same manifest digest.
STRATA_STORE=$T/store2 build -o "oci:$T/layout2:py" || { cat "$T/err"; fail "second store build"; }
[ "$(digest)" = "$first" ] || fail "two empty stores gave different digests: $first, $(digest)"

# Bad input: exit 1, a message naming the package or suite, no node record written.
records() { find "$STRATA_STORE/nodes" -type f 2>/dev/null | sort; }
records >"$T/nodes-before"
set +e
build unknown; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "unknown package: exit $rc"; }
expect_contains "$T/err" 'build.strata:5:13: error: no-such-package-strata: no package "no-such-package-strata" in bookworm/main amd64'
set +e
build badsuite; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "unknown suite: exit $rc"; }
expect_contains "$T/err" 'build.strata:6:14: error: no suite "no-such-suite" at http'
set +e
build --no-cache --debian-mirror http://127.0.0.1:9/debian; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "unreachable mirror: exit $rc"; }
expect_contains "$T/err" '127.0.0.1:9'
set +e
STRATA_DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-removed-keys.gpg build --no-cache; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "bad signature: exit $rc"; }
expect_contains "$T/err" "does not verify"
records >"$T/nodes-after"
diff "$T/nodes-before" "$T/nodes-after" || fail "a failed build wrote node records"

# A tampered .deb in the download cache is refused and does not enter the store.
mkdir -p "$T/cache"
cp "$STRATA_DEBIAN_CACHE"/* "$T/cache/"
deb=""
for f in "$T/store/blobs/sha256"/*; do   # a .deb of this base (the first build stored it)
  if [ "$(head -c 7 "$f")" = '!<arch>' ]; then deb=$T/cache/$(basename "$f"); break; fi
done
[ -f "$deb" ] || fail "no .deb of the base in the download cache"
printf 'tampered' >>"$deb"
set +e
STRATA_STORE=$T/store3 STRATA_DEBIAN_CACHE=$T/cache build; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "tampered .deb: exit $rc"; }
expect_contains "$T/err" "mismatch"   # size (bytes appended: refused unread) or digest
expect_contains "$T/err" "nothing was stored"
[ ! -e "$T/store3/blobs/sha256/$(basename "$deb")" ] || fail "the tampered .deb entered the store"
# A tampered index (Packages.xz) in the download cache: refused the same way (its sha256 is the
# signed Release's), nothing stored, no node record.
index=""
for f in "$T/store/blobs/sha256"/*; do   # the base's Packages.xz (the first build stored it)
  if [ "$(head -c 6 "$f" | od -An -tx1 | tr -d ' \n')" = fd377a585a00 ]; then index=$T/cache/$(basename "$f"); break; fi
done
[ -f "$index" ] || fail "no Packages.xz of the suite in the download cache"
cp "$T/store/blobs/sha256/$(basename "$deb")" "$deb"   # the .deb whole again: only the index is bad
printf 'tampered' >>"$index"
set +e
STRATA_STORE=$T/store4 STRATA_DEBIAN_CACHE=$T/cache build; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "tampered index: exit $rc"; }
expect_contains "$T/err" "mismatch"
[ ! -e "$T/store4/blobs/sha256/$(basename "$index")" ] || fail "the tampered index entered the store"
[ -z "$(find "$T/store4/nodes" -type f 2>/dev/null)" ] || fail "a build over a tampered index wrote node records"
# ca-certificates: the bundle its postinst would have written, every certificate in it.
build tls -o "oci:$T/layout:tls" || { cat "$T/err"; fail "the ca-certificates base did not build"; }
umoci unpack --image "$T/layout:tls" "$T/tls" >/dev/null
certs=$(ls "$T/tls/rootfs/usr/share/ca-certificates/mozilla" | wc -l)
[ "$certs" -gt 100 ] || fail "only $certs certificates in the package"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/tls/rootfs/etc/ssl/certs/ca-certificates.crt")" = "$certs" ] \
  || fail "ca-certificates.crt does not hold the $certs certificates"

echo PASS
