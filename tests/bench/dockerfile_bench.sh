#!/usr/bin/env bash
# Parse + lower of a generated Dockerfile (issue 12's figure; goal < 0.1 s for 10,000
# instructions): `strata check -f` of it (process start included), RUNS runs (default 9), the
# median and best wall and CPU times printed; no assertion on time.
#   [RUNS=9] tests/bench/dockerfile_bench.sh [STRATA] [N ...]   default: build/runtime/cli/strata 10000
set -euo pipefail
strata=$(realpath "${1:-build/runtime/cli/strata}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)
runs=${RUNS:-9}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/ctx/src"
echo x >"$T/ctx/src/f"
for n in "${sizes[@]}"; do
  # A mix as in a real Dockerfile: stages every 1,000 instructions, RUN with a cache mount,
  # ENV, ARG, WORKDIR, COPY, LABEL.
  awk -v n="$n" 'BEGIN {
    print "ARG BASE=scratch"; print "FROM ${BASE} AS s0"; print "ARG BASE"
    for (i = 0; i < n; i++) {
      if (i % 1000 == 999) printf "FROM s%d AS s%d\nARG BASE\n", int(i / 1000), int(i / 1000) + 1
      else if (i % 6 == 0) printf "RUN --mount=type=cache,target=/c echo %d\n", i
      else if (i % 6 == 1) printf "ENV K%d=v$BASE\n", i
      else if (i % 6 == 2) printf "ARG A%d=x\n", i
      else if (i % 6 == 3) printf "WORKDIR /w%d\n", i
      else if (i % 6 == 4) printf "COPY --chown=1:1 src/f /dst/%d\n", i
      else printf "LABEL k%d=v\n", i
    }
  }' >"$T/ctx/Dockerfile"
  walls=() cpus=()
  for _ in $(seq "$runs"); do
    # Wall time and CPU time (user + sys): on a shared machine the CPU time is the steadier figure.
    /usr/bin/time -f "%e %U %S" -o "$T/time" env STRATA_STORE="$T/store" "$strata" check -f "$T/ctx/Dockerfile" \
      --context "$T/ctx" >/dev/null 2>"$T/err" || { cat "$T/err" >&2; exit 1; }
    read -r wall user sys <"$T/time"
    walls+=("$wall")
    cpus+=("$(echo "$user + $sys" | bc)")
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  best() { printf '%s\n' "$@" | sort -g | head -n 1; }
  printf 'dockerfile parse+lower (strata check -f, whole process), %d instructions: median %.3f s wall, %.3f s CPU; best %.3f s wall, %.3f s CPU (%d runs)\n' \
    "$n" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" "$(best "${walls[@]}")" "$(best "${cpus[@]}")" "$runs"
done
