#!/usr/bin/env bash
# Layer writer benchmark: Strata's gzip/zstd layer writer vs `tar | gzip -6` and `tar | zstd -3`.
#
#   tests/bench/layer_bench.sh BUILD_DIR [WORK_DIR]
#
# Generates (once, deterministic seed) a ~500 MB tree of 20,000 files — half the bytes
# compressible text, half random — under WORK_DIR (default /tmp/strata-layer-bench), warms the
# page cache, then times each writer on the same tree and prints MB/s (tree bytes / wall time),
# CPU seconds (user+sys, all threads/processes) and peak RSS. On a shared, loaded machine
# compare the CPU column: wall time then depends on how many runnable threads each side has.
# Strata's numbers include the sha256 of both the tar and the compressed blob and
# the fsync of the blob; the shell pipes do neither.
set -euo pipefail

build_dir=${1:?usage: layer_bench.sh BUILD_DIR [WORK_DIR]}
work=${2:-/tmp/strata-layer-bench}
bench=$(find "$build_dir" -name strata_layer_bench -type f -perm -u+x | head -n1)
[[ -x "$bench" ]] || { echo "strata_layer_bench not found under $build_dir" >&2; exit 1; }
tree=$work/tree

if [[ ! -f $work/tree.done ]]; then
  rm -rf "$tree"
  mkdir -p "$tree"
  python3 - "$tree" <<'PY'
import os, random, sys
root = sys.argv[1]
rng = random.Random(20240501)
files, total = 20000, 500 * 1000 * 1000
words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10)))
         for _ in range(5000)]
corpus = " ".join(rng.choice(words) for _ in range(400000)).encode()  # ~2.6 MB of "text"
weights = [rng.paretovariate(1.2) for _ in range(files)]
scale = total / sum(weights)
for i, w in enumerate(weights):
    size = max(1, int(w * scale))
    d = os.path.join(root, "d%03d" % (i % 200), "s%02d" % (i % 7))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "wb") as f:
        if i % 2:
            f.write(rng.randbytes(size))
        else:
            left = size
            while left > 0:
                start = rng.randrange(len(corpus) - 1)
                piece = corpus[start:start + left]
                f.write(piece)
                left -= len(piece)
PY
  touch "$work/tree.done"
fi

tree_bytes=$(du -sb "$tree" | cut -f1)
tree_mb=$(awk -v b="$tree_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
files=$(find "$tree" -type f | wc -l)
echo "tree: $tree  ($files files, $tree_mb MB)  cores: $(nproc)"
tar -cf - -C "$tree" . > /dev/null  # Warm the page cache for every contender alike.

have_time=0
[[ -x /usr/bin/time ]] && have_time=1

# run NAME OUTPUT_FILE COMMAND...: times COMMAND, prints MB/s, peak RSS and output size.
run() {
  local name=$1 out=$2
  shift 2
  local log=$work/time.log start end rss="n/a" cpu="n/a"
  start=$(date +%s.%N)
  if ((have_time)); then
    /usr/bin/time -v -o "$log" bash -c "$*"
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f MB", $2 / 1024 }' "$log")
    cpu=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$log")
  else
    bash -c "$*"
  fi
  end=$(date +%s.%N)
  local size
  if [[ $out == *.json ]]; then
    size=$(sed -n 's/.*"size": \([0-9]*\).*/\1/p' "$out")
  else
    size=$(stat -c %s "$out" 2>/dev/null || echo 0)
  fi
  awk -v n="$name" -v s="$start" -v e="$end" -v b="$tree_bytes" -v r="$rss" -v z="$size" -v c="$cpu" \
    'BEGIN { t = e - s; printf "%-26s %6.2f s %7.1f MB/s  cpu %5s s  out %6.1f MB  peak RSS %s\n", n, t, b / 1e6 / t, c, z / 1e6, r }'
}

store=$work/store
rm -rf "$store"
run "strata gzip (2 threads)" "$work/gzip.json" "'$bench' '$store' '$tree' gzip > '$work/gzip.json'"
run "strata gzip (1 thread)" "$work/gzip1.json" "rm -rf '$store'; '$bench' '$store' '$tree' gzip 1 > '$work/gzip1.json'"
run "tar | gzip -6" "$work/pipe.gz" "tar -cf - -C '$tree' . | gzip -6 > '$work/pipe.gz'"
rm -rf "$store"
run "strata zstd (2 workers)" "$work/zstd.json" "'$bench' '$store' '$tree' zstd > '$work/zstd.json'"
run "tar | zstd -3" "$work/pipe.zst" "tar -cf - -C '$tree' . | zstd -q -3 > '$work/pipe.zst'"
run "tar | zstd -3 -T0" "$work/pipe.zst" "tar -cf - -C '$tree' . | zstd -q -3 -T0 > '$work/pipe.zst'"
run "strata none" "$work/none.json" "rm -rf '$store'; '$bench' '$store' '$tree' none > '$work/none.json'"
cat "$work/gzip.json" "$work/zstd.json"
# The layer bytes must not depend on the thread count.
cmp -s <(sed 's/"seconds".*//' "$work/gzip.json") <(sed 's/"seconds".*//' "$work/gzip1.json") ||
  { echo "gzip layer differs between 1 and 2 threads" >&2; exit 1; }
rm -rf "$store" "$work"/pipe.* "$work"/*.json "$work/time.log"
