#!/usr/bin/env bash
# Workspace figures on a generated workspace of 1,000 packages (100 libraries, 900 packages of
# 12 targets: 10,800 targets): `strata targets //...`, `strata affected --since HEAD~1` after one
# file change, `strata query deps` / `query rdeps` of a target and of a library, a cold
# `strata build //...` and a warm no-op one, each with a cold package cache
# (the first run on a store) and a warm one (docs/cli.md, "The package cache"). Prints wall
# time, CPU (user + system) and peak RSS (goals from issue 15: targets < 0.3 s, affected < 1 s,
# warm build < 1 s); asserts nothing about time.
#   workspace_bench.sh STRATA_BINARY [PACKAGES] [TARGETS_PER_PACKAGE]
set -euo pipefail
STRATA=$(realpath "${1:?usage: workspace_bench.sh STRATA_BINARY [PACKAGES] [TARGETS]}")
PACKAGES=${2:-1000}
TARGETS=${3:-12}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/strata-wsbench.XXXXXX)
trap 'rm -rf "$T"' EXIT
export STRATA_STORE=$T/store
W=$T/ws
python3 "$HERE/../integration/fixtures/make-workspace.py" "$W" "$PACKAGES" "$TARGETS" offline
cd "$W"
git init -q . && git config user.email b@example.com && git config user.name b
git add -A && git commit -qm base
echo changed >>pkgs/p7/src/f5.txt
git commit -qam "one change"
mkdir -p "$STRATA_STORE"

# measure RUNS COMMAND...: the best and the median of RUNS runs (wall, user + system CPU, peak
# RSS of the best run).
measure() {
  local runs=$1; shift
  : >"$T/times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$T/time" "$@" >/dev/null 2>"$T/stderr" || { cat "$T/stderr"; exit 1; }
    cat "$T/time" >>"$T/times"
  done
  sort -n "$T/times" | awk -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    '{ w[NR] = $1; c[NR] = $2 + $3; m[NR] = $4 }
    END { printf "wall best %.3f s, median %.3f s; cpu %.3f s; peak RSS %d MB (%d runs, load %s)\n",
          w[1], w[int((NR + 1) / 2)], c[1], m[1] / 1024, NR, load }'
}
# cold NAME COMMAND...: one run on an empty package cache.
cold() { rm -rf "$STRATA_STORE/package-cache"; measure 1 "$@"; }

targets=$("$STRATA" targets //... --store "$T/none" | wc -l)
echo "workspace: $PACKAGES packages, $targets targets (load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "targets //...  cold cache: $(cold "$STRATA" targets //...)"
echo "targets //...  warm cache: $(measure 3 "$STRATA" targets //...)"
# p5:t2 builds on p4:t0 (pI with I % 3 == 2 import pI-1); lib3 is imported along the library
# chain and by every tenth package.
echo "query deps //pkgs/p5:t2  warm cache: $(measure 3 "$STRATA" query deps //pkgs/p5:t2)"
echo "query rdeps //pkgs/p4:t0  warm cache: $(measure 3 "$STRATA" query rdeps //pkgs/p4:t0)"
echo "query rdeps //libs/lib3  warm cache: $(measure 3 "$STRATA" query rdeps //libs/lib3)"
echo "query rdeps //pkgs/p4:t0  cold cache: $(cold "$STRATA" query rdeps //pkgs/p4:t0)"
echo "  rdeps //pkgs/p4:t0: $("$STRATA" query rdeps //pkgs/p4:t0 | tr '\n' ' ')"
echo "affected --since HEAD~1  cold cache: $(cold "$STRATA" affected --since HEAD~1)"
echo "affected --since HEAD~1  warm cache: $(measure 3 "$STRATA" affected --since HEAD~1)"
echo "  affected: $("$STRATA" affected --since HEAD~1 | tr '\n' ' ')"
"$STRATA" affected --since HEAD~1 --stats 2>&1 >/dev/null | sed 's/^/  /'
"$STRATA" targets //... --stats 2>&1 >/dev/null | sed 's/^/  targets: /'
# BENCH_BUILD=0 skips the builds (a cold build of every target takes long on a busy machine).
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  echo "build //... (cold store):  $(measure 1 "$STRATA" build --progress plain -j 2 //...)"
  echo "build //... (warm no-op):  $(measure 3 "$STRATA" build --progress plain -j 2 //...)"
  "$STRATA" build --progress plain //... 2>&1 >/dev/null | tail -n 1 | sed 's/^/  /'
  # A no-op renews the build's root file rather than adding one (docs/runtime.md).
  echo "  roots/ after the cold build and 4 no-ops: $(ls "$STRATA_STORE/roots" | wc -l) file(s), $(du -sk "$STRATA_STORE/roots" | cut -f1) KB"
fi
