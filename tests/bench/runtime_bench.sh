#!/usr/bin/env bash
# Runtime benchmark: the warm (everything cached) cost of `strata build` on an 11-node program,
# next to `strata graph` (evaluation only) for the same program. Needs root (one RUN step on the
# cold build), umoci and busybox-static, like the integration tests.
#
#   tests/bench/runtime_bench.sh STRATA_BINARY [RUNS]
#
# Prints the median, min and max wall time of RUNS (default 20) runs of each command, plus the
# load average: on a shared machine, compare runs from the same minute.
set -euo pipefail
strata=$(realpath "${1:?usage: runtime_bench.sh STRATA_BINARY [RUNS]}")
runs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/strata-runtime-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export STRATA_STORE=$work/store
bash "$here/../integration/fixtures/make-busybox-image.sh" "$work/w/busybox-layout" >/dev/null
mkdir -p "$work/w/src"
echo "hello" >"$work/w/src/msg.txt"
# 11 nodes: local (the layout), load, local (src), copy, exec, select, scratch, copy, select,
# copy, entrypoint: a warm build re-hashes both local sources (through the hash cache).
cat >"$work/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  builder = base
    |> copy ./src "/work"
    |> run "mkdir -p /out && tr a-z A-Z < /work/msg.txt > /out/msg";
in {
  default = scratch
    |> copy (builder / "/out/msg") "/msg"
    |> copy (base / "/bin/busybox") "/bin/"
    |> entrypoint [ "/bin/busybox" "cat" "/msg" ];
}
STRATA

cd "$work/w"
"$strata" build --progress plain >/dev/null 2>"$work/cold.err" || { cat "$work/cold.err" >&2; exit 1; }
nodes=$(grep -cE '^\[[0-9]+/[0-9]+\] done' "$work/cold.err" || true)
"$strata" build --progress plain >/dev/null 2>"$work/warm.err"
grep -q ' start ' "$work/warm.err" && { echo "warm build ran a node" >&2; cat "$work/warm.err" >&2; exit 1; }

# time_runs NAME COMMAND...: RUNS timed runs (after one untimed), prints median/min/max in ms.
time_runs() {
  local name=$1
  shift
  "$@" >/dev/null 2>&1
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s%N)
    times+=($(((end - start) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$name" '
    { t[NR] = $1 }
    END { m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
          printf "%-34s median %7.1f ms  min %7.1f  max %7.1f  (%d runs)\n", n, m / 1000, t[1] / 1000, t[NR] / 1000, NR }'
}

echo "program: $nodes graph nodes; load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc)"
time_runs "strata graph (evaluate only)" "$strata" graph
time_runs "strata build, warm (all cached)" "$strata" build --progress plain
time_runs "strata check (parse + types)" "$strata" check
time_runs "strata --help (strata's own start)" "$strata" --help
time_runs "/bin/true (process start)" /bin/true
