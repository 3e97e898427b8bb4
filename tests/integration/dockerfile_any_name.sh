#!/usr/bin/env bash
# `-f` with any file name: a path is a Strata program only when it ends in `.strata` or is a
# directory holding build.strata; any other name is a Dockerfile (as `docker build -f` takes
# it), `-f -` reads one from stdin, and `strata graph`/`check` take a Dockerfile as build does.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w/ctx" "$T/w/prog"
cd "$T/w"
echo hello >ctx/a.txt
printf 'FROM scratch\nCOPY a.txt /a.txt\n' >ctx/Dockerfile2
cp ctx/Dockerfile2 ctx/build.txt

build -f ctx/Dockerfile2 --context ctx -o "oci:$T/layout:v1" || { cat "$T/err"; fail "-f ctx/Dockerfile2 --context ctx failed"; }
by_name=$(digest)
build -f ctx/build.txt || { cat "$T/err"; fail "-f ctx/build.txt (context: its dir) failed"; }
[ "$(digest)" = "$by_name" ] || fail "ctx/build.txt built $(digest), ctx/Dockerfile2 $by_name"
(cd "$T/w/ctx" && "$STRATA" build --progress plain -f - <Dockerfile2) >"$T/out" 2>"$T/err" ||
  { cat "$T/err"; fail "-f - failed"; }
[ "$(digest)" = "$by_name" ] || fail "-f - built $(digest), the file $by_name"
umoci unpack --image "$T/layout:v1" "$T/bundle" >/dev/null
[ "$(cat "$T/bundle/rootfs/a.txt")" = hello ] || fail "a.txt not copied"

# From stdin, errors are located in <stdin>.
printf 'FROM scratch\nCOPY nope /x\n' >"$T/bad"
(cd ctx && "$STRATA" build -f - <"$T/bad") >"$T/out" 2>"$T/err" && fail "a missing source built"
expect_contains "$T/err" "<stdin>:2:1: error: COPY source \"nope\" not found in the build context"

# graph and check of a Dockerfile: the keys build uses.
"$STRATA" graph -f ctx/Dockerfile2 --context ctx >"$T/graph" 2>"$T/err" || { cat "$T/err"; fail "graph -f Dockerfile2"; }
expect_contains "$T/graph" 'copy     dest="/a.txt"'
[ "$("$STRATA" check -f ctx/Dockerfile2 --context ctx)" = Stage ] || fail "check -f Dockerfile2 did not print Stage"
"$STRATA" check -f "$T/bad" >"$T/out" 2>"$T/err" && fail "check of a bad Dockerfile passed"
expect_contains "$T/err" "bad:2:1: error: COPY source \"nope\""

# Strata programs: a .strata file, or a directory holding build.strata; --context is refused there.
printf 'image "x"\n' >prog/build.strata
"$STRATA" check -f prog >"$T/out" 2>&1 || { cat "$T/out"; fail "check -f DIR with build.strata failed"; }
set +e
"$STRATA" build -f prog/build.strata --context ctx >"$T/out" 2>"$T/err"
status=$?
set -e
[ "$status" = 2 ] || fail "--context on a .strata program: exit $status, expected 2"
expect_contains "$T/err" "--context is for Dockerfiles"
