#!/usr/bin/env bash
# A `debian` base's dpkg database is one dpkg accepts, as if dpkg had unpacked the packages:
# `dpkg --audit` finds nothing to reinstall (each package has its files list and md5sums in
# /var/lib/dpkg/info, named NAME:ARCH for Multi-Arch: same packages as dpkg names them),
# `dpkg -L` and `dpkg -S` answer with the paths the .deb ships (/bin/bash, kept as shipped on
# merged /usr, as dpkg records it), and `dpkg --verify` finds every file as its md5sums say;
# files a pathExclude left out are still listed, as dpkg --path-exclude leaves them.
# Checked with the host's dpkg on the unpacked image.
source "$(dirname "$0")/lib.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE" "$T/w"
cat >"$T/w/build.strata" <<'STRATA'
{
  default = debian { packages = [ "bash" ]; };
  slim = debian { packages = [ "bash" ]; pathExclude = [ "/usr/share/doc/*" ]; };
}
STRATA

for target in default slim; do
  build "$target" -o "oci:$T/layout:$target" || { cat "$T/err"; fail "the $target base did not build"; }
  rm -rf "$T/bundle"
  umoci unpack --image "$T/layout:$target" "$T/bundle" >/dev/null
  root=$T/bundle/rootfs
  admin=$root/var/lib/dpkg

  dpkg --admindir="$admin" --audit >"$T/audit" 2>&1 || { cat "$T/audit"; fail "$target: dpkg --audit failed"; }
  [ ! -s "$T/audit" ] || { cat "$T/audit"; fail "$target: dpkg --audit reports problems (above)"; }

  # Multi-Arch: same packages have NAME:ARCH files, the others NAME.
  [ -f "$admin/info/bash.list" ] || fail "$target: no info/bash.list"
  [ -f "$admin/info/libc6:amd64.list" ] || { ls "$admin/info" >&2; fail "$target: no info/libc6:amd64.list"; }
  [ -f "$admin/info/libc6:amd64.md5sums" ] || fail "$target: no info/libc6:amd64.md5sums"

  dpkg --admindir="$admin" -L bash >"$T/files" 2>&1 || { cat "$T/files"; fail "$target: dpkg -L bash"; }
  expect_contains "$T/files" "/bin/bash"
  head -n 1 "$T/files" | grep -qx '/\.' || fail "$target: dpkg -L bash does not start with /."
  expect_contains "$T/files" "/usr/share/doc/bash/copyright"
  dpkg --admindir="$admin" -S /bin/bash >"$T/owner" 2>&1 || { cat "$T/owner"; fail "$target: dpkg -S /bin/bash"; }
  expect_contains "$T/owner" "bash: /bin/bash"

  # Every file the md5sums name has those bytes (a pathExclude'd one is missing, as with dpkg).
  dpkg --root="$root" --verify >"$T/verify" 2>&1 || true
  grep -v '/usr/share/doc/' "$T/verify" >"$T/verify-other" || true
  [ ! -s "$T/verify-other" ] || { cat "$T/verify-other"; fail "$target: dpkg --verify (above)"; }
  if [ "$target" = default ]; then
    [ ! -s "$T/verify" ] || { cat "$T/verify"; fail "dpkg --verify reports files (above)"; }
  else
    [ ! -e "$root/usr/share/doc/bash/copyright" ] || fail "slim: the pathExclude'd copyright is there"
  fi
done
echo "PASS"
