#!/usr/bin/env bash
# Strata next to its peers, measured in one run, interleaved, medians and ratios (issue 14).
#
#   tests/bench/compare_peers.sh [STRATA_BINARY]      default: build/runtime/cli/strata
#
# Rows (each skipped, with a note, when its peer is not installed):
#   eval N      `strata graph --format json` of a generated N-target program vs
#               `nix-instantiate --eval --strict` of the same program written in Nix; the
#               first row with empty caches (STORE/parse-cache and STORE/graph-cache, the
#               evaluation cache, emptied before each run), the second ("unchanged files") with
#               the caches the previous run left;
#   eval deep   a 10,000-step `|>` pipeline and a 10,000-term `+` chain (Strata only: must work);
#   layer gzip  `strata build -o oci:DIR` of `scratch |> copy ./tree "/tree"` (the compressed
#               layer lands in a file, as the peer's does) vs `tar -c | pigz -6 -p2`, and on a
#               second line the same build without -o (left in the store: plain tar, not compressed);
#   layer zstd  the same with --compression zstd vs `tar -c | zstd -3 -T2`;
#   noop        a warm no-op `strata build` of the two-stage program (busybox base, RUN, copy
#               onto scratch; needs root and busybox-static like the integration tests):
#               median of BENCH_NOOP_RUNS (20) wall times and the CPU of `perf stat`, against
#               the goal of 20 ms (no BuildKit peer here: no dockerd is started);
#   cold        a cold two-stage build whose RUN writes BENCH_COLD_MB (50) MB of binaries, as a Dockerfile
#               built by BuildKit (a private dockerd, Debian's docker.io, `--network=none`,
#               its build cache and the result pruned before each run) vs the same Dockerfile
#               built by `strata build -f` and its `strata import` translation built by
#               `strata build` (and again with --compression zstd), each into an empty store
#               and staying there as BuildKit's image stays in dockerd's store (goal: ≤ 0.7×
#               BuildKit's time); then the translation with `-o oci:DIR`, its layers compressed
#               as for a push; CPU of each too (BuildKit's: dockerd's); the
#               Strata lines alone without docker.io; BENCH_COLD_MB=0 for the small build.
# Environment:
#   BENCH_ROWS="eval deep layer noop cold"   which groups to run
#   BENCH_TARGETS="10000 100000"   program sizes for the eval rows
#   BENCH_TREE_MB=500 BENCH_TREE_FILES=20000   the COPY tree (smaller for a quick run)
#   BENCH_LAYER_KINDS="gzip zstd"  which compressions the layer rows run
#   BENCH_REPS=3                   repetitions; each contender runs once per repetition, in turn
#   BENCH_WORK=/tmp/strata-peers   where programs and the tree are generated (kept between runs)
# The machine may be shared: only the ratios of one run mean much. Time and peak RSS come from
# GNU time (wall seconds, max RSS of the process tree's largest member).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
strata=$(realpath "${1:-build/runtime/cli/strata}")
[[ -x $strata ]] || { echo "no strata binary at $strata" >&2; exit 2; }
rows=${BENCH_ROWS:-eval deep layer noop cold}
targets=${BENCH_TARGETS:-10000 100000}
tree_mb=${BENCH_TREE_MB:-500}
tree_files=${BENCH_TREE_FILES:-20000}
reps=${BENCH_REPS:-3}
work=${BENCH_WORK:-/tmp/strata-peers}
mkdir -p "$work"
# shellcheck source=tests/bench/peer_programs.sh
source "$here/peer_programs.sh"

# measure OUT_FILE COMMAND: appends "seconds peak_MB status cpu_seconds" for one run of COMMAND
# (via bash; CPU is user + system of the process tree). Wall time from bash's microsecond clock:
# GNU time's is in hundredths, ±8 % of a 0.12 s run.
measure() {
  local out=$1
  shift
  local log=$work/time.$$ status=ok start end
  start=$EPOCHREALTIME
  /usr/bin/time -f '%e %M %U %S' -o "$log" bash -c "$*" >/dev/null 2>"$work/stderr.$$" || status=fail
  end=$EPOCHREALTIME
  if [[ $status == fail ]]; then
    echo "  failed: $*" >&2
    tail -3 "$work/stderr.$$" >&2
  fi
  awk -v s="$status" -v start="$start" -v end="$end" 'END { printf "%.4f %.1f %s %.2f\n", end - start, $2 / 1024, s, $3 + $4 }' "$log" >>"$out"
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
        # `graph` uses the parse and evaluation caches only if the store has them (it creates
        # nothing), so the cold run starts from empty ones, which it fills for the next run.
        measure "$dir/strata.times" "cd '$dir' && rm -rf store/parse-cache store/graph-cache && mkdir -p store/parse-cache store/graph-cache && STRATA_STORE='$dir/store' '$strata' graph --format json"
        measure "$dir/strata-warm.times" "cd '$dir' && STRATA_STORE='$dir/store' '$strata' graph --format json"
      done
      row "evaluate $n targets" "nix-instantiate --eval --strict" "$dir/nix.times" "$dir/strata.times"
      row "  same, unchanged files (cached)" "nix-instantiate --eval --strict" "$dir/nix.times" "$dir/strata-warm.times"
      echo "  CPU s (user+sys) median: nix $(median "$dir/nix.times" 4), strata $(median "$dir/strata.times" 4)"
    done
    # Item 1 asks for linear growth: the cold medians of the largest count over the smallest's.
    read -ra counts <<<"$targets"
    if ((${#counts[@]} > 1)); then
      small=$work/eval-${counts[0]} large=$work/eval-${counts[-1]}
      awk -v f="$((counts[-1] / counts[0]))" -v ns="$(median "$small/nix.times" 1)" \
        -v nl="$(median "$large/nix.times" 1)" -v ss="$(median "$small/strata.times" 1)" \
        -v sl="$(median "$large/strata.times" 1)" 'BEGIN {
        printf "  growth for %gx the targets, cold: nix %.2fx, strata %.2fx\n", f, nl / ns, sl / ss }'
    fi
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
  for kind in ${BENCH_LAYER_KINDS:-gzip zstd}; do
    case $kind in
      gzip) peer="tar -c | pigz -6 -p2" tool=pigz compress="pigz -6 -p2" ;;
      zstd) peer="tar -c | zstd -3 -T2" tool=zstd compress="zstd -q -3 -T2" ;;
    esac
    cmd="tar -cf - -C '$dir/tree' . | $compress > '$dir/peer.out'"
    # The same pipeline with the two digests an image needs of a layer (the tar's, its diff_id,
    # and the compressed blob's; `openssl sha256` uses SHA-NI as Strata does, coreutils' sha256sum
    # does not): what Strata computes beyond the peer, for comparison only.
    rm -f "$dir/tar.fifo" "$dir/blob.fifo" && mkfifo "$dir/tar.fifo" "$dir/blob.fifo"
    digests="openssl sha256 <'$dir/tar.fifo' >'$dir/tar.sha' & openssl sha256 <'$dir/blob.fifo' >'$dir/blob.sha' &
      tar -cf - -C '$dir/tree' . | tee '$dir/tar.fifo' | $compress | tee '$dir/blob.fifo' > '$dir/peer.out'; wait"
    if ! command -v $tool >/dev/null; then
      echo "layer $kind row skipped: $tool is not installed"
      continue
    fi
    rm -f "$dir"/*.times
    for ((r = 0; r < reps; r++)); do
      # Each contender writes a new file: truncating the last run's 300 MB output inside the
      # measurement cost the peer ~0.2 s (the store and layout are removed outside it too).
      rm -f "$dir/peer.out"
      measure "$dir/peer.times" "$cmd"
      rm -f "$dir/peer.out"
      measure "$dir/digests.times" "$digests"
      # The form whose compressed layer lands in a file, like the peer's: an OCI layout.
      rm -rf "$dir/store" "$dir/out"
      measure "$dir/strata.times" "cd '$dir' && STRATA_STORE='$dir/store' '$strata' build --progress plain --compression $kind -o oci:out"
      rm -rf "$dir/store" "$dir/out"
      measure "$dir/strata-store.times" "cd '$dir' && STRATA_STORE='$dir/store' '$strata' build --progress plain --compression $kind"
    done
    row "build COPY of $(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }') MB, $tree_files files, $kind" "$peer" \
      "$dir/peer.times" "$dir/strata.times" "$bytes"
    echo "  CPU s (user+sys) median: peer $(median "$dir/peer.times" 4), strata $(median "$dir/strata.times" 4); load $(cut -d' ' -f1-3 /proc/loadavg)"
    row "  same, peer with sha256 of tar and blob" "$peer, 2 x openssl sha256" "$dir/digests.times" "$dir/strata.times" "$bytes"
    echo "  CPU s (user+sys) median: peer with digests $(median "$dir/digests.times" 4)"
    row "  same, left in the store (plain tar)" "$peer" "$dir/peer.times" "$dir/strata-store.times" "$bytes"
    echo "  CPU s (user+sys) median: strata $(median "$dir/strata-store.times" 4)"
  done
  rm -rf "$dir/store" "$dir/out" "$dir/peer.out" "$dir"/tar.* "$dir"/blob.*
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
if [[ " $rows " == *" cold "* ]]; then
  buildkit=yes
  if ! [[ -x /usr/bin/docker ]] || ! command -v dockerd >/dev/null; then
    buildkit=
    echo "cold rows without their peer: docker.io (dockerd, /usr/bin/docker) is not installed"
  fi
  dir=$work/cold
  rm -rf "$dir" && mkdir -p "$dir/w/src"
  bash "$here/../integration/fixtures/make-busybox-image.sh" "$dir/w/busybox-layout" >/dev/null
  echo "hello from strata" >"$dir/w/src/msg.txt"
  # The RUN writes BENCH_COLD_MB (50) MB like a compiler's output: this machine's shared
  # libraries, concatenated (binary, no repeat within a compressor's window), shipped gzipped
  # in the context and unpacked by the RUN (cheap, the same for both engines and every run, so
  # both Strata builds must give one digest). BENCH_COLD_MB=0: the small two-stage build.
  find /usr/lib /usr/bin -type f -size +100k 2>/dev/null | LC_ALL=C sort | xargs cat 2>/dev/null |
    head -c $((${BENCH_COLD_MB:-50} * 1000000)) | gzip -1 >"$dir/w/src/data.gz" || true
  cat >"$dir/w/Dockerfile" <<'DF'
FROM busybox AS builder
WORKDIR /work
COPY src .
RUN mkdir -p /out && tr a-z A-Z < msg.txt > /out/msg && gunzip -c data.gz > /out/data
FROM scratch
COPY --from=builder /out /out
COPY --from=builder /bin/busybox /bin/
ENV GREETING=hello
ENTRYPOINT ["/bin/busybox", "cat"]
CMD ["/out/msg"]
DF
  ctx=(--context "$dir/w" --build-context busybox=oci-layout://busybox-layout)
  (cd "$dir/w" && "$strata" import "${ctx[@]}" -o build.strata Dockerfile)
  if [[ -n $buildkit ]]; then
    # The private dockerd of the integration tests; its EXIT trap stops it and unmounts.
    fail() { echo "cold row: $*" >&2; exit 1; }
    cleanup() { :; }
    # shellcheck source=tests/integration/fixtures/dockerd.sh
    source "$here/../integration/fixtures/dockerd.sh"
    start_dockerd
    skopeo copy -q "oci:$dir/w/busybox-layout" "docker-archive:$dir/busybox.tar:busybox:latest"
    dk load -q -i "$dir/busybox.tar" >/dev/null
  fi
  for ((r = 0; r < reps; r++)); do
    if [[ -n $buildkit ]]; then
      dk rmi -f strata-cold:bench >/dev/null 2>&1 || true
      dk builder prune -af >/dev/null
      # BuildKit's CPU is dockerd's and its reaped children's (the client's is next to none).
      before=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$dockerd_pid/stat")
      measure "$dir/buildkit.times" "cd '$dir/w' && DOCKER_BUILDKIT=1 /usr/bin/docker -H 'unix://$D/docker.sock' build -q --network=none -t strata-cold:bench ."
      awk -v b="$before" -v t="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15 + $16 + $17 - b) / t }' "/proc/$dockerd_pid/stat" >>"$dir/buildkit.cpu"
    fi
    rm -rf "$dir/store"
    measure "$dir/dockerfile.times" "cd '$dir/w' && STRATA_STORE='$dir/store' '$strata' build --progress plain -f Dockerfile ${ctx[*]} >'$dir/dockerfile.digest'"
    rm -rf "$dir/store"
    measure "$dir/strata.times" "cd '$dir/w' && STRATA_STORE='$dir/store' '$strata' build --progress plain >'$dir/strata.digest'"
    rm -rf "$dir/store"
    measure "$dir/zstd.times" "cd '$dir/w' && STRATA_STORE='$dir/store' '$strata' build --progress plain --compression zstd"
    # The image leaving the store: its layers compressed (gzip, level 6) into an OCI layout.
    rm -rf "$dir/store" "$dir/out"
    measure "$dir/export.times" "cd '$dir/w' && STRATA_STORE='$dir/store' '$strata' build --progress plain -o 'oci:$dir/out'"
  done
  for kind in dockerfile strata zstd export; do
    case $kind in
      dockerfile) name="cold two-stage build, Dockerfile" ;;
      strata) name="  same, in Strata (import)" ;;
      zstd) name="  same, --compression zstd" ;;
      export) name="  same, -o oci:DIR (gzip)" ;;
    esac
    if [[ -n $buildkit ]]; then
      row "$name" "BuildKit (docker build)" "$dir/buildkit.times" "$dir/$kind.times"
    else
      printf '%-34s %-28s %10s %9s %10.2f %9.1f\n' "$name" "(no peer)" - - "$(median "$dir/$kind.times" 1)" "$(median "$dir/$kind.times" 2)"
    fi
  done
  # BuildKit in dockerd exports to Docker's image store, whose layers are not compressed until
  # a push; neither are a Strata image's that stays in the store (docs/runtime.md, "Deferred
  # compression"). The -o row compresses every layer of the image, as a push would.
  printf '%-34s BuildKit %s s (dockerd and its children), Strata %.2f s (Dockerfile), %.2f s (program), %.2f s (zstd), %.2f s (-o)\n' \
    "  CPU (medians)" "$([[ -n $buildkit ]] && median "$dir/buildkit.cpu" 1 || echo -)" "$(median "$dir/dockerfile.times" 4)" \
    "$(median "$dir/strata.times" 4)" "$(median "$dir/zstd.times" 4)" "$(median "$dir/export.times" 4)"
  cmp -s "$dir/dockerfile.digest" "$dir/strata.digest" ||
    echo "  DIFFERENT digests: Dockerfile $(cat "$dir/dockerfile.digest"), Strata $(cat "$dir/strata.digest")"
  rm -rf "$dir/store" "$dir/out"
fi
rm -f "$work"/time.$$ "$work"/stderr.$$
