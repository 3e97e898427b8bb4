#!/usr/bin/env bash
# Workspace figures on a generated workspace of 1,000 packages (100 libraries, 900 packages of
# 12 targets: 10,800 targets): `strata targets //...`, `strata affected --since HEAD~1` after one
# file change, a cold `strata build //...` and a warm no-op one. Prints figures (goals from
# issue 15: targets < 0.3 s, affected < 1 s, warm build < 1 s); asserts nothing about time.
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

# seconds RUNS COMMAND...: the best and the median wall time of RUNS runs.
seconds() {
  local runs=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 } END { printf "best %.3f s, median %.3f s (%d runs)\n", t[1], t[int((NR + 1) / 2)], NR }'
}

targets=$("$STRATA" targets //... | wc -l)
echo "workspace: $PACKAGES packages, $targets targets"
echo "strata targets //...:            $(seconds 3 "$STRATA" targets //...)"
echo "strata affected --since HEAD~1:  $(seconds 3 "$STRATA" affected --since HEAD~1)"
echo "  affected: $("$STRATA" affected --since HEAD~1 | tr '\n' ' ')"
# BENCH_BUILD=0 skips the builds (a cold build of every target takes long on a busy machine).
if [ "${BENCH_BUILD:-1}" = 1 ]; then
  echo "strata build //... (cold):       $(seconds 1 "$STRATA" build --progress plain -j 2 //...)"
  echo "strata build //... (warm no-op): $(seconds 3 "$STRATA" build --progress plain -j 2 //...)"
fi
