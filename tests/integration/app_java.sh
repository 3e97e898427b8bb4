#!/usr/bin/env bash
# examples/seeds/java, a Maven project built offline with Debian's JDK, Maven and plugins:
# `default` (the jar on Debian's headless JRE) and `minimal` (a jlinked runtime of the modules
# jdeps finds, on scratch) under `strata run` answer GET / with 200 and "hello" as a non-root
# user and hold no javac, mvn, apt, dpkg or shell; `default` runs /usr/bin/java, the
# update-alternatives link of its `debian` base. Editing App.java re-runs Maven but not the
# JDK/Maven base. The Dockerfile serves too; `strata import` of it builds to the same digest.
# (One store for all of it: the JDK is the largest download of the suite.)
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/fixtures/app_checks.sh"
export STRATA_DEBIAN_CACHE=${STRATA_DEBIAN_CACHE:-/var/tmp/strata-test-debian-cache}
mkdir -p "$STRATA_DEBIAN_CACHE"
cp -r "$HERE/../../examples/seeds/java" "$T/w"
rm -rf "$T/w/target"

for target in default minimal; do
  build "$target" -o "oci:$T/layout:$target" || { cat "$T/err"; fail "$target did not build"; }
  umoci unpack --image "$T/layout:$target" "$T/$target" >/dev/null
  NOSHELL=1 check_no_tools "$T/$target/rootfs"
  [[ -f $T/$target/rootfs/app/app.jar ]] || fail "$target has no /app/app.jar"
  serve_strata_run "$target"
done
# default runs Debian's java through its update-alternatives link, minimal the jlinked one.
[[ $(jq -r '.process.args[0]' "$T/default/config.json") == /usr/bin/java ]] || fail "default's entrypoint is not /usr/bin/java"
[[ $(readlink "$T/default/rootfs/usr/bin/java") == /etc/alternatives/java ]] || fail "default's /usr/bin/java is no alternatives link"
[[ $(jq -r '.process.args[0]' "$T/minimal/config.json") == /out/jre/bin/java ]] || fail "minimal's entrypoint is not /out/jre/bin/java"
# minimal's runtime has only the modules jdeps found (java.base and jdk.httpserver).
grep -q '^MODULES="java.base jdk.httpserver"' "$T/minimal/rootfs/out/jre/release" \
  || fail "the jlinked runtime has other modules: $(grep MODULES "$T/minimal/rootfs/out/jre/release")"
[[ ! -e $T/minimal/rootfs/var/lib/dpkg ]] || fail "minimal holds dpkg's database"

# The Dockerfile (FROM maven, then the jar on FROM jre) and its import.
NOSHELL=1 check_dockerfile maven=maven jre=jre

# One changed source file: the JDK/Maven base is not rebuilt, Maven runs again.
sed -i 's/hello from Java/hello from Java, edited/' "$T/w/src/main/java/com/mycompany/app/App.java"
build minimal || { cat "$T/err"; fail "rebuild after an edit failed"; }
! grep -E 'start +debian ' "$T/err" >/dev/null || { cat "$T/err"; fail "the JDK base was rebuilt"; }
grep -E 'start +exec .*classworlds' "$T/err" >/dev/null || { cat "$T/err"; fail "Maven did not run again"; }
echo PASS
