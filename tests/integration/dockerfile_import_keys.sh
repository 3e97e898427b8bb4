#!/usr/bin/env bash
# `strata import --graph` and `strata build -f` (whose graph `strata graph -f` prints, through
# the same driver pipeline) give the same keys for every test Dockerfile, with and without a
# strata.lock pinning its FROM images; and `strata check`/`eval`/`graph` create nothing on disk.
source "$(dirname "$0")/lib.sh"
GOLDEN="$HERE/../golden"
cases=0
for dockerfile in "$GOLDEN"/import/ok-*.Dockerfile "$GOLDEN"/dockerfile/ok-*.Dockerfile; do
  name=$(basename "$dockerfile" .Dockerfile)
  dir="$T/cases/$(basename "$(dirname "$dockerfile")")-$name"
  mkdir -p "$dir"
  context="${dockerfile%.Dockerfile}.context"
  [ -d "$context" ] && cp -a "$context/." "$dir/"
  cp "$dockerfile" "$dir/Dockerfile"
  for lock in without with; do
    if [ $lock = with ]; then
      # Pin every image the unpinned graph pulls.
      images=$(sed -n 's/.* pull *ref="\([^"]*\)".*/\1/p' "$T/unlocked.txt" | sort -u)
      [ -n "$images" ] || continue
      echo "$images" | jq -R . | jq -s '{version: 1, images: (map({(.): ("sha256:" + ("0" * 63) + "1")}) | add)}' >"$dir/strata.lock"
    fi
    # A parser golden without its files fails to lower: then both fail with the same errors.
    import_rc=0 graph_rc=0
    (cd "$dir" && "$STRATA" import --graph Dockerfile) >"$T/import.txt" 2>"$T/import.err" || import_rc=$?
    (cd "$dir" && "$STRATA" graph -f Dockerfile) >"$T/graph.txt" 2>"$T/graph.err" || graph_rc=$?
    [ $import_rc = $graph_rc ] || { cat "$T/import.err" "$T/graph.err"; fail "$name ($lock lock): exit $import_rc vs $graph_rc"; }
    diff -u "$T/graph.txt" "$T/import.txt" >&2 || fail "$name ($lock lock): import --graph and build -f keys differ"
    diff -u "$T/graph.err" "$T/import.err" >&2 || fail "$name ($lock lock): import --graph and build -f errors differ"
    [ $import_rc = 0 ] || continue
    # The lock is used: a pinned pull has another key than the unpinned one.
    if [ $lock = with ]; then
      ! diff -q "$T/unlocked.txt" "$T/import.txt" >/dev/null || fail "$name: strata.lock pinned nothing"
    else
      cp "$T/import.txt" "$T/unlocked.txt"
    fi
    cases=$((cases + 1))
  done
done
[ $cases -ge 10 ] || fail "only $cases cases compared"

# check, eval and graph create nothing: no store, no cache, nothing under HOME.
mkdir -p "$T/ro/home" "$T/ro/store" "$T/ro/w"
cat >"$T/ro/w/build.strata" <<'PROGRAM'
let src = ./src; in { out = src; n = 1; }
PROGRAM
mkdir -p "$T/ro/w/src" && echo hi >"$T/ro/w/src/a"
printf 'FROM scratch\nCOPY src /src\n' >"$T/ro/w/Dockerfile"
before=$(cd "$T/ro" && find . | sort)
ro() { (cd "$T/ro/w" && env -u XDG_CACHE_HOME HOME="$T/ro/home" STRATA_STORE="$T/ro/store" "$STRATA" "$@") >"$T/out" 2>"$T/err" \
  || { cat "$T/err"; fail "strata $* failed"; }; }
ro check
ro eval self.n
ro graph out
ro graph -f Dockerfile
ro check -f Dockerfile
after=$(cd "$T/ro" && find . | sort)
[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after") >&2; fail "check/eval/graph created files"; }
echo "ok ($cases comparisons)"
