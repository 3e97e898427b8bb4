#!/usr/bin/env bash
# What the maintainer scripts would have made, without running them: merged /usr (a `bash`
# base runs a `#!/bin/sh` script, /lib64/ld-linux-x86-64.so.2 is there), update-alternatives
# links (`java` from a default-jre-headless base through /usr/bin/java; fakeroot's own
# ld.so.conf.d file, itself an alternative) with their database (the host's
# `update-alternatives --root ROOTFS --query` reads it), and /etc/ld.so.cache (a library found only through
# it loads; two stores give the same cache bytes).
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE" "$T/w"
cat >"$T/w/build.strata" <<'STRATA'
{
  default = debian { packages = [ "bash" "fakeroot" ]; };
  java = debian { packages = [ "default-jre-headless" ]; };
  # dpkg --path-exclude style: /bin/rbash is shipped as such and lands at /usr/bin/rbash.
  slim = debian { packages = [ "bash" ]; pathExclude = [ "/usr/share/doc/*" "/usr/share/man" "/usr/bin/rbash" ]; };
  badPattern = debian { packages = [ "bash" ]; pathExclude = [ "usr/share/doc" ]; };
}
STRATA

build -o "oci:$T/layout:bash" || { cat "$T/err"; fail "the bash base did not build"; }
umoci unpack --image "$T/layout:bash" "$T/bundle" >/dev/null
root=$T/bundle/rootfs
for dir in bin sbin lib lib64; do
  [ "$(readlink "$root/$dir")" = "usr/$dir" ] || fail "/$dir is not a link to usr/$dir"
done
[ -f "$root/usr/bin/bash" ] || fail "bash (shipped as /bin/bash) is not in /usr/bin"
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || fail "no /lib64/ld-linux-x86-64.so.2"
# A #!/bin/sh script, run by the kernel through /bin/sh.
printf '#!/bin/sh\necho "sh says $((6*7))"\n' >"$root/script"
chmod +x "$root/script"
jq '.process.args = ["/script"]' "$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json"
run_bundle "$T/bundle" >"$T/run-out" 2>&1 || { cat "$T/run-out"; fail "the #!/bin/sh script does not run"; }
expect_contains "$T/run-out" "sh says 42"

# fakeroot: its alternative (the sysv one, priority 50, beats the tcp one, 30), and a slave.
[ "$(readlink "$root/usr/bin/fakeroot")" = /etc/alternatives/fakeroot ] || fail "no fakeroot alternative link"
[ "$(readlink "$root/etc/alternatives/fakeroot")" = /usr/bin/fakeroot-sysv ] || fail "fakeroot is not fakeroot-sysv"
[ "$(readlink "$root/etc/alternatives/faked.1.gz")" = /usr/share/man/man1/faked-sysv.1.gz ] || fail "no slave link"
# The update-alternatives database: the host's dpkg reads it as its own, both candidates.
update-alternatives --root "$root" --query fakeroot >"$T/query" 2>&1 || { cat "$T/query"; fail "update-alternatives --query fakeroot"; }
expect_contains "$T/query" "Link: /usr/bin/fakeroot"
expect_contains "$T/query" "Status: auto"
expect_contains "$T/query" "Best: /usr/bin/fakeroot-sysv"
expect_contains "$T/query" "Value: /usr/bin/fakeroot-sysv"
expect_contains "$T/query" "Alternative: /usr/bin/fakeroot-tcp"
expect_contains "$T/query" "Priority: 30"
expect_contains "$T/query" " faked.1.gz /usr/share/man/man1/faked-sysv.1.gz"
expect_not_contains "$T/query" "warning"
# libfakeroot-0.so is in /usr/lib/x86_64-linux-gnu/libfakeroot/, which only libfakeroot's
# /etc/ld.so.conf.d file names: the loader finds it through /etc/ld.so.cache alone.
expect_contains "$root/etc/ld.so.conf.d/fakeroot-x86_64-linux-gnu.conf" /usr/lib/x86_64-linux-gnu/libfakeroot
ls "$root/usr/lib/x86_64-linux-gnu/libfakeroot/libfakeroot-0.so" >/dev/null || fail "libfakeroot is not where expected"
ldconfig -p -C "$root/etc/ld.so.cache" >"$T/cache-list"
expect_contains "$T/cache-list" "libfakeroot-0.so (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libfakeroot/libfakeroot-0.so"
jq '.process.args = ["bash", "-c", "LD_PRELOAD=libfakeroot-0.so bash -c \"echo loaded\""]' \
  "$T/bundle/config.json" >"$T/c" && mv "$T/c" "$T/bundle/config.json"
run_bundle "$T/bundle" >"$T/run-out" 2>&1 || true
expect_not_contains "$T/run-out" "cannot be preloaded"
expect_contains "$T/run-out" "libfakeroot: FAKEROOTKEY not defined"   # the library's own words: it loaded

# The same cache bytes from another empty store.
STRATA_STORE=$T/store2 build -o "oci:$T/layout2:bash" || { cat "$T/err"; fail "second store"; }
umoci unpack --image "$T/layout2:bash" "$T/bundle2" >/dev/null
cmp "$root/etc/ld.so.cache" "$T/bundle2/rootfs/etc/ld.so.cache" || fail "two stores gave different ld.so.cache bytes"

# pathExclude: excluded files, a whole excluded directory, a link matched at its merged-/usr
# place are not there; the rest is (bash runs); a relative pattern is refused where written.
build slim -o "oci:$T/layout:slim" || { cat "$T/err"; fail "the slim bash base did not build"; }
umoci unpack --image "$T/layout:slim" "$T/sbundle" >/dev/null
sroot=$T/sbundle/rootfs
[ -z "$(find "$sroot/usr/share/doc" -type f -o -type l 2>/dev/null)" ] || fail "files under /usr/share/doc were unpacked"
[ ! -e "$sroot/usr/share/man" ] || fail "/usr/share/man was unpacked"
[ ! -L "$sroot/usr/bin/rbash" ] || fail "/usr/bin/rbash (shipped as /bin/rbash) was unpacked"
[ -n "$(find "$root/usr/share/doc/bash" -type f)" ] && [ -L "$root/usr/bin/rbash" ] || fail "the unexcluded base lacks what slim leaves out"
[ -x "$sroot/usr/bin/bash" ] || fail "pathExclude removed bash itself"
build badPattern && fail "a relative pathExclude pattern was accepted"
expect_contains "$T/err" "build.strata:6:16: error: debian: pathExclude: 'usr/share/doc' is not an absolute path pattern"

# java through /usr/bin/java, the alternative openjdk's postinst would have installed.
build java -o "oci:$T/layout:java" || { cat "$T/err"; fail "the default-jre-headless base did not build"; }
expect_contains "$T/err" "alternative java → /usr/lib/jvm/java-17-openjdk-amd64/bin/java"
umoci unpack --image "$T/layout:java" "$T/jbundle" >/dev/null
jq '.process.args = ["/usr/bin/java", "-version"]' "$T/jbundle/config.json" >"$T/c" && mv "$T/c" "$T/jbundle/config.json"
run_bundle "$T/jbundle" >"$T/run-out" 2>&1 || { cat "$T/run-out"; fail "/usr/bin/java -version failed"; }
expect_contains "$T/run-out" 'openjdk version "17'
update-alternatives --root "$T/jbundle/rootfs" --query java >"$T/query" 2>&1 || { cat "$T/query"; fail "update-alternatives --query java"; }
expect_contains "$T/query" "Value: /usr/lib/jvm/java-17-openjdk-amd64/bin/java"
expect_contains "$T/query" "Status: auto"
[ "$(update-alternatives --root "$T/jbundle/rootfs" --get-selections | wc -l)" -ge 5 ] \
  || fail "fewer than 5 alternatives in the JRE's database"

# ca-certificates-java's trust store, as its postinst would write it: the JDK's keytool reads
# the default (-cacerts) store with the default password, one entry per CA of the bundle.
jroot=$T/jbundle/rootfs
[ "$(readlink "$jroot/usr/lib/jvm/java-17-openjdk-amd64/lib/security/cacerts")" = /etc/ssl/certs/java/cacerts ] \
  || fail "the JDK's cacerts is not the link to /etc/ssl/certs/java/cacerts"
cas=$(grep -c 'BEGIN CERTIFICATE' "$jroot/etc/ssl/certs/ca-certificates.crt")
[ "$cas" -gt 100 ] || fail "only $cas certificates in the bundle"
jq '.process.args = ["/usr/lib/jvm/java-17-openjdk-amd64/bin/keytool", "-list", "-cacerts", "-storepass", "changeit"]' \
  "$T/jbundle/config.json" >"$T/c" && mv "$T/c" "$T/jbundle/config.json"
run_bundle "$T/jbundle" >"$T/run-out" 2>&1 || { cat "$T/run-out"; fail "keytool -list -cacerts failed"; }
expect_contains "$T/run-out" "Keystore type: JKS"
expect_contains "$T/run-out" "Your keystore contains $cas entries"
expect_contains "$T/run-out" "debian:isrg_root_x1.pem"
echo PASS
