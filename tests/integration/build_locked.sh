#!/usr/bin/env bash
# `strata build --locked` refuses every input strata.lock does not pin, each at its call's
# file:line:col and named (an image tag, a debian base, a network step without a hash), and
# accepts pinned ones: a digest reference, a sha256-declared network step, a local layout.
# Nothing is fetched: the refusals happen before the build starts.
source "$(dirname "$0")/lib.sh"

mkdir -p "$T/w"
mv "$T/busybox-layout" "$T/w/busybox-layout"
cat >"$T/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  tagged = image "127.0.0.1:9/nothing:latest";
  py = debian { packages = [ "python3-minimal" ]; };
in {
  default = base |> run "echo pinned > /x";
  unpinned = copy (tagged / "/etc") "/t" (copy (py / "/usr") "/p" base);
  network = base |> runWith { network = true; } "echo x > /y";
  digest = image "127.0.0.1:9/nothing@sha256:0000000000000000000000000000000000000000000000000000000000000000";
}
STRATA

# Pinned inputs build under --locked.
build --locked || { cat "$T/err"; fail "a program of pinned inputs failed under --locked"; }

# An image tag and a debian base that strata.lock does not pin: two located errors, exit 1.
set +e
build --locked unpinned; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "unpinned inputs under --locked: exit $rc"; }
expect_contains "$T/err" 'build.strata:3:12: error: --locked: image "127.0.0.1:9/nothing:latest" is not pinned by strata.lock'
expect_contains "$T/err" 'build.strata:4:8: error: --locked: debian "bookworm/amd64 python3-minimal" is not pinned by strata.lock'
expect_not_contains "$T/err" "start"   # refused before anything ran

# A network step without a hash or lock entry is refused (with or without --locked).
set +e
build --locked network; rc=$?
set -e
[ $rc = 1 ] || { cat "$T/err"; fail "an unpinned network step under --locked: exit $rc"; }
expect_contains "$T/err" "build.strata:8:"
expect_contains "$T/err" 'run `strata lock`'

# A Dockerfile's unpinned FROM is named at the FROM's line:col (not at line 1).
printf '# an unpinned base\nARG TAG=latest\n  FROM 127.0.0.1:9/nothing:${TAG}\nRUN true\n' >"$T/w/Dockerfile"
rc=0
build --locked -f Dockerfile || rc=$?
[ $rc = 1 ] || { cat "$T/err"; fail "an unpinned FROM under --locked: exit $rc"; }
expect_contains "$T/err" 'Dockerfile:3:3: error: --locked: image "127.0.0.1:9/nothing:latest" (a FROM) is not pinned'
expect_not_contains "$T/err" 'Dockerfile:1:'

echo PASS
