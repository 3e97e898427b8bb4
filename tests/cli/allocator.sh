#!/usr/bin/env bash
# `strata` runs on tcmalloc (linked statically, CMakeLists.txt): its malloc answers the program
# and the libraries it opens later (libarchive, libcurl, libcrypto), so a block one of them
# allocates and Strata frees goes back to the same allocator.
set -euo pipefail
strata=$(realpath "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# gperftools prints its heap statistics at exit when MALLOCSTATS is set; glibc's malloc ignores it.
MALLOCSTATS=1 "$strata" --version 2>"$work/stats" >/dev/null
grep -q "Bytes in use by application" "$work/stats" ||
  { echo "FAIL: strata does not run on tcmalloc (no MALLOCSTATS report):"; cat "$work/stats"; exit 1; }
# malloc is exported from the program, so a library opened later binds to the same one.
if command -v nm >/dev/null; then
  for symbol in malloc free realloc calloc posix_memalign; do
    nm -D --defined-only "$strata" | grep -qw "$symbol" ||
      { echo "FAIL: $symbol is not exported by strata (a library opened later would use glibc's)"; exit 1; }
  done
fi
# A layer made through libarchive (opened on first use), read back by Strata's own code.
mkdir -p "$work/ctx/tree"
for i in $(seq 1 200); do printf 'file %d\n' "$i" >"$work/ctx/tree/f$i"; done
cat >"$work/ctx/build.strata" <<'PROGRAM'
{ default = scratch |> copy ./tree "/tree"; }
PROGRAM
(cd "$work/ctx" && STRATA_STORE="$work/store" "$strata" build --progress plain -o "oci:$work/out" >"$work/digest")
grep -q '^sha256:' "$work/digest" || { echo "FAIL: no digest"; exit 1; }
# A large program (≥ 256 KiB) is evaluated while a second thread faults its heap in ahead of
# use (compiler/support/heap_region.h): the thread is there, named, while the graph is made.
if (($(nproc) >= 2)); then
  source "$(dirname "$0")/../bench/peer_programs.sh"
  GenerateEvalPrograms "$work/large" 6000
  (($(stat -c %s "$work/large/build.strata") >= 256 * 1024)) || { echo "FAIL: the program is too small"; exit 1; }
  (cd "$work/large" && exec "$strata" graph --format json >"$work/large.json") &
  pid=$!
  seen=
  while kill -0 "$pid" 2>/dev/null; do
    if grep -qx strata-heap /proc/"$pid"/task/*/comm 2>/dev/null; then seen=yes; fi
    sleep 0.005
  done
  wait "$pid" || { echo "FAIL: strata graph of the large program failed"; exit 1; }
  [[ $seen == yes ]] || { echo "FAIL: no strata-heap thread while a large program was evaluated"; exit 1; }
  grep -c '"op"' "$work/large.json" >/dev/null || { echo "FAIL: no graph"; exit 1; }
fi
echo "PASS"
