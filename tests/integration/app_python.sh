#!/usr/bin/env bash
# examples/seeds/python, a Flask app on Debian's python3-flask: `default` and `minimal` under
# `strata run` answer GET / with 200 and "hello" as a non-root user and hold no pip, apt, dpkg,
# compiler or shell; so does the Dockerfile, and `strata import` of it builds to the same digest.
# Editing app.py re-runs the byte-compile step but not the dependency base;
# two empty stores give the same digests.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fixtures/app_checks.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
cp -r "$HERE/../../examples/seeds/python" "$T/w"
rm -rf "$T/w/__pycache__"

declare -A digests
for target in default minimal; do
  build "$target" -o "oci:$T/layout:$target" || { cat "$T/err"; fail "$target did not build"; }
  digests[$target]=$(digest)
  umoci unpack --image "$T/layout:$target" "$T/$target" >/dev/null
  NOSHELL=1 check_no_tools "$T/$target/rootfs"
  [[ -f $T/$target/rootfs/usr/lib/python3/dist-packages/flask/__init__.py ]] || fail "$target has no Flask"
  [[ -f $T/$target/rootfs/app/app.py && ! -e $T/$target/rootfs/app/build.strata ]] || fail "$target: /app is not the app alone"
  serve_strata_run "$target"
done
# minimal has no package database and no test suite of the standard library.
[[ ! -e $T/minimal/rootfs/var/lib/dpkg && ! -e $T/minimal/rootfs/usr/lib/python3.11/test ]] \
  || fail "minimal holds dpkg's database or the stdlib tests"

# The Dockerfile (FROM python, the Debian python3-flask base) and its import.
NOSHELL=1 check_dockerfile python=python

# One changed source file: the dependency base is a cache hit, the compile step runs.
echo "# edited" >>"$T/w/app.py"
build minimal || { cat "$T/err"; fail "rebuild after an edit failed"; }
# (A hit below the base means the base is not even visited: its record is never read.)
! grep -E 'start +debian ' "$T/err" >/dev/null || { cat "$T/err"; fail "the dependency base was rebuilt"; }
grep -E 'cached +' "$T/err" >/dev/null || { cat "$T/err"; fail "nothing was a cache hit"; }
grep -E 'start +exec .*"compileall"' "$T/err" >/dev/null || { cat "$T/err"; fail "compileall did not run again"; }
sed -i '$d' "$T/w/app.py"

for target in default minimal; do
  STRATA_STORE=$T/store2 build "$target" || { cat "$T/err"; fail "$target in a second store"; }
  [[ $(digest) == "${digests[$target]}" ]] || fail "$target: ${digests[$target]}, then $(digest) in another store"
done
echo PASS
