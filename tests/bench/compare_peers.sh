#!/usr/bin/env bash
# Strata next to its peers, measured in one run, interleaved, medians and ratios (issue 14).
#
#   tests/bench/compare_peers.sh [STRATA_BINARY]      default: build/runtime/cli/strata
#
# Rows (each skipped, with a note, when its peer is not installed):
#   eval N      `strata graph --format json` of a generated N-target program vs
#               `nix-instantiate --eval --strict` of the same program written in Nix; the
#               first row with an empty parse cache (STORE/parse-cache emptied before each
#               run), the second ("unchanged files") with the cache the previous run left;
#   eval deep   a 10,000-step `|>` pipeline and a 10,000-term `+` chain (Strata only: must work);
#   layer gzip  `strata build` of `scratch |> copy ./tree "/tree"` vs `tar -c | pigz -6 -p2`;
#   layer zstd  the same with --compression zstd vs `tar -c | zstd -3 -T2`;
#   noop        a warm no-op `strata build` of the two-stage program (busybox base, RUN, copy
#               onto scratch; needs root and busybox-static like the integration tests):
#               median of BENCH_NOOP_RUNS (20) wall times and the CPU of `perf stat`, against
#               the goal of 20 ms (no BuildKit peer here: no dockerd is started).
# Environment:
#   BENCH_ROWS="eval deep layer noop"   which groups to run
#   BENCH_TARGETS="10000 100000"   program sizes for the eval rows
#   BENCH_TREE_MB=500 BENCH_TREE_FILES=20000   the COPY tree (smaller for a quick run)
#   BENCH_REPS=3                   repetitions; each contender runs once per repetition, in turn
#   BENCH_WORK=/tmp/strata-peers   where programs and the tree are generated (kept between runs)
# The machine may be shared: only the ratios of one run mean much. Time and peak RSS come from
# GNU time (wall seconds, max RSS of the process tree's largest member).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
strata=$(realpath "${1:-build/runtime/cli/strata}")
[[ -x $strata ]] || { echo "no strata binary at $strata" >&2; exit 2; }
rows=${BENCH_ROWS:-eval deep layer noop}
targets=${BENCH_TARGETS:-10000 100000}
tree_mb=${BENCH_TREE_MB:-500}
tree_files=${BENCH_TREE_FILES:-20000}
reps=${BENCH_REPS:-3}
work=${BENCH_WORK:-/tmp/strata-peers}
mkdir -p "$work"
# shellcheck source=tests/bench/peer_programs.sh
source "$here/peer_programs.sh"

# measure OUT_FILE COMMAND: appends "seconds peak_MB status" for one run of COMMAND (via bash).
measure() {
  local out=$1
  shift
  local log=$work/time.$$ status=ok
  /usr/bin/time -f '%e %M %U %S' -o "$log" bash -c "$*" >/dev/null 2>"$work/stderr.$$" || status=fail
  if [[ $status == fail ]]; then
    echo "  failed: $*" >&2
    tail -3 "$work/stderr.$$" >&2
  fi
  # Columns: wall s, peak MB, ok|fail, CPU s (user + sys, for loaded machines).
  awk -v s="$status" 'END { printf "%s %.1f %s %.2f\n", $1, $2 / 1024, s, $3 + $4 }' "$log" >>"$out"
}

# median FILE COLUMN
median() {
  sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

table_header() {
  printf '%-34s %-28s %10s %9s %10s %9s %8s %8s\n' work peer "peer s" "peer MB" "strata s" "strata MB" "time ×" "mem ×"
}

# row NAME PEER_NAME PEER_FILE STRATA_FILE [BYTES]: one table line (MB/s when BYTES is given).
row() {
  local name=$1 peer=$2 pf=$3 sf=$4 bytes=${5:-}
  local pt pm st sm fails
  pt=$(median "$pf" 1) pm=$(median "$pf" 2) st=$(median "$sf" 1) sm=$(median "$sf" 2)
  fails=$(cat "$pf" "$sf" | grep -c fail || true)
  if [[ -n $bytes ]]; then
    awk -v n="$name" -v p="$peer" -v pt="$pt" -v pm="$pm" -v st="$st" -v sm="$sm" -v b="$bytes" -v f="$fails" 'BEGIN {
      printf "%-34s %-28s %7.1f MB/s %7.1f %7.1f MB/s %7.1f %7.2fx  %6.2fx%s\n", n, p, b / 1e6 / pt, pm, b / 1e6 / st, sm,
        pt / st, sm / pm, f ? "  (" f " failed runs)" : "" }'
  else
    awk -v n="$name" -v p="$peer" -v pt="$pt" -v pm="$pm" -v st="$st" -v sm="$sm" -v f="$fails" 'BEGIN {
      printf "%-34s %-28s %10.2f %9.1f %10.2f %9.1f %7.2fx  %6.2fx%s\n", n, p, pt, pm, st, sm, st / pt, sm / pm,
        f ? "  (" f " failed runs)" : "" }'
  fi
}

echo "strata: $strata"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); cores: $(nproc); repetitions: $reps (medians)"
echo "ratios: time × = strata/peer time for evaluation, strata/peer throughput for layers; mem × = strata/peer peak RSS"
table_header

if [[ " $rows " == *" eval "* ]]; then
  if ! command -v nix-instantiate >/dev/null; then
    echo "eval rows skipped: nix-instantiate is not installed"
  else
    for n in $targets; do
      dir=$work/eval-$n
      [[ -f $dir/build.strata && -f $dir/default.nix ]] || GenerateEvalPrograms "$dir" "$n"
      rm -f "$dir"/*.times
      for ((r = 0; r < reps; r++)); do
        measure "$dir/nix.times" "cd '$dir' && nix-instantiate --eval --strict default.nix"
        # `graph` uses a parse cache only if the store has one (it creates nothing), so the
        # cold run starts from an empty one, which it fills for the next run.
        measure "$dir/strata.times" "cd '$dir' && rm -rf store/parse-cache && mkdir -p store/parse-cache && STRATA_STORE='$dir/store' '$strata' graph --format json"
        measure "$dir/strata-warm.times" "cd '$dir' && STRATA_STORE='$dir/store' '$strata' graph --format json"
      done
      row "evaluate $n targets" "nix-instantiate --eval --strict" "$dir/nix.times" "$dir/strata.times"
      row "  same, unchanged files (cached)" "nix-instantiate --eval --strict" "$dir/nix.times" "$dir/strata-warm.times"
    done
  fi
fi

if [[ " $rows " == *" deep "* ]]; then
  dir=$work/deep
  GenerateDeepPrograms "$dir" 10000
  for kind in pipe plus; do
    rm -f "$dir/$kind.times"
    measure "$dir/$kind.times" "cd '$dir' && '$strata' eval -f $kind.strata self.result"
    awk -v k="$kind" '{ printf "%-34s %-28s %10s %9s %10.2f %9.1f %8s %8s  %s\n",
      "10,000-step " (k == "pipe" ? "|> pipeline" : "+ chain"), "(no peer: must evaluate)", "-", "-", $1, $2, "-", "-", $3 }' "$dir/$kind.times"
  done
fi

if [[ " $rows " == *" layer "* ]]; then
  dir=$work/layer-$tree_mb-$tree_files
  [[ -f $dir/tree.done ]] || GenerateTree "$dir/tree" "$tree_mb" "$tree_files" && touch "$dir/tree.done"
  echo '{ default = scratch |> copy ./tree "/tree"; }' >"$dir/build.strata"
  bytes=$(du -sb "$dir/tree" | cut -f1)
  tar -cf - -C "$dir/tree" . >/dev/null  # Warm the page cache for every contender alike.
  for kind in gzip zstd; do
    case $kind in
      gzip) peer="tar -c | pigz -6 -p2" tool=pigz cmd="tar -cf - -C '$dir/tree' . | pigz -6 -p2 > '$dir/peer.out'" ;;
      zstd) peer="tar -c | zstd -3 -T2" tool=zstd cmd="tar -cf - -C '$dir/tree' . | zstd -q -3 -T2 > '$dir/peer.out'" ;;
    esac
    if ! command -v $tool >/dev/null; then
      echo "layer $kind row skipped: $tool is not installed"
      continue
    fi
    rm -f "$dir"/*.times
    for ((r = 0; r < reps; r++)); do
      measure "$dir/peer.times" "$cmd"
      rm -rf "$dir/store"
      measure "$dir/strata.times" "cd '$dir' && STRATA_STORE='$dir/store' '$strata' build --progress plain --compression $kind"
    done
    row "build COPY of $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, $tree_files files, $kind" "$peer" \
      "$dir/peer.times" "$dir/strata.times" "$bytes"
    echo "  CPU s (user+sys) median: peer $(median "$dir/peer.times" 4), strata $(median "$dir/strata.times" 4); load $(cut -d' ' -f1-3 /proc/loadavg)"
  done
  rm -rf "$dir/store" "$dir/peer.out"
fi

if [[ " $rows " == *" noop "* ]]; then
  dir=$work/noop
  rm -rf "$dir" && mkdir -p "$dir/w/src"
  bash "$here/../integration/fixtures/make-busybox-image.sh" "$dir/w/busybox-layout" >/dev/null
  echo hello >"$dir/w/src/msg.txt"
  cat >"$dir/w/build.strata" <<'STRATA'
let
  base = load ./busybox-layout;
  builder = base |> workdir "/work" |> copy ./src "." |> run "mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg";
in {
  default = scratch |> copy (builder / "/out/msg") "/msg" |> copy (base / "/bin/busybox") "/bin/"
    |> entrypoint [ "/bin/busybox" "cat" "/msg" ];
}
STRATA
  (cd "$dir/w" && STRATA_STORE=$dir/store "$strata" build --progress plain >/dev/null 2>&1) || echo "noop row: the cold build failed"
  noop_runs=${BENCH_NOOP_RUNS:-20}
  for what in build version; do
    cmd=("$strata" build --progress plain)
    [[ $what == version ]] && cmd=("$strata" --version)
    rm -f "$dir/$what.times"
    for ((r = 0; r < noop_runs; r++)); do
      start=$(date +%s%N)
      (cd "$dir/w" && STRATA_STORE=$dir/store "${cmd[@]}" >/dev/null 2>&1)
      echo $((($(date +%s%N) - start) / 1000)) >>"$dir/$what.times"
    done
    cpu=$(cd "$dir/w" && STRATA_STORE=$dir/store perf stat -r 5 -x, -e task-clock "${cmd[@]}" 2>&1 >/dev/null | awk -F, '/task-clock/ { printf "%.1f", $1 }')
    awk -v w="$what" -v c="${cpu:--}" -v m="$(median "$dir/$what.times" 1)" 'BEGIN {
      printf "%-34s %-28s %10s %9s %7.1f ms %6s ms CPU %s\n", (w == "build" ? "no-op rebuild, two-stage" : "  strata --version (process start)"),
        (w == "build" ? "(goal: 20 ms)" : ""), "-", "-", m / 1000, c, "" }'
  done
  rm -rf "$dir/store"
fi
rm -f "$work"/time.$$ "$work"/stderr.$$
