#!/usr/bin/env bash
# The evaluation cache (STORE/graph-cache) through `strata graph`: an unchanged program is
# answered from its entry (the entry is not rewritten), every change to an input gives the
# graph of a fresh evaluation (no cache at all) and a rewritten entry, another strata binary
# never reads this one's entries, a program with errors is never stored, and gc sweeps entries.
source "$(dirname "$0")/lib.sh" "$1"

mkdir -p "$T/w/src" "$T/store/graph-cache"
cd "$T/w"
echo 'a' >src/a.txt
echo '{ app = "app"; }' >names.strata
cat >build.strata <<'EOF'
{ version ? "dev" }:
let names = import ./names.strata; in {
  default = scratch |> copy ./src "/src" |> label names.app version;
}
EOF

# graph [ARGS...]: the JSON graph with the cache, into $T/cached; and without any cache (a
# store that does not exist), into $T/fresh; they must be equal.
graph() {
  "$STRATA" graph --format json "$@" >"$T/cached" 2>"$T/err" || { cat "$T/err"; fail "strata graph $*"; }
  STRATA_STORE=$T/no-store "$STRATA" graph --format json "$@" >"$T/fresh" || fail "fresh strata graph $*"
  cmp -s "$T/cached" "$T/fresh" || { diff "$T/cached" "$T/fresh" | head; fail "cached graph differs from a fresh one ($*)"; }
}
entries() { find "$T/store/graph-cache" -type f | sort; }
# The entry's inode: a rewrite (temp file + rename) changes it, a hit does not.
inode() { stat -c %i "$(entries | head -n 1)"; }

graph
[[ $(entries | wc -l) == 1 ]] || fail "one entry expected after the first graph, found: $(entries)"
first=$(inode)
graph
[[ $(inode) == "$first" ]] || fail "the unchanged program was evaluated again (its entry was rewritten)"

# Each change: a fresh answer, and the entry rewritten.
changed() {
  local before
  before=$(inode)
  graph
  [[ $(inode) != "$before" ]] || fail "$1: the entry was not rewritten (a stale answer was used)"
  before=$(inode)
  graph
  [[ $(inode) == "$before" ]] || fail "$1: the rewritten entry did not hit"
}
echo '{ app = "web"; }' >names.strata
changed "an imported module"
echo 'b' >src/a.txt
changed "a local source file"
chmod +x src/a.txt
changed "a local source file's mode"
sed -i 's/dev/prod/' build.strata
changed "the program file"
printf '{\n  "images": {},\n  "version": 1\n}\n' >strata.lock
changed "strata.lock"
grep -q '"prod"' "$T/cached" || fail "the graph does not hold the program's new default"

# --arg names an entry of its own.
graph --arg version=1.2
grep -q '"1.2"' "$T/cached" || fail "--arg version=1.2 is not in the graph"
[[ $(entries | wc -l) == 2 ]] || fail "--arg did not get an entry of its own"

# Another binary (another stamp: size, mtime, inode) neither reads nor replaces these entries.
cp "$STRATA" "$T/strata-copy"
STRATA=$T/strata-copy graph
[[ $(entries | wc -l) == 3 ]] || fail "another binary's answer was not stored apart"

# A damaged entry is not trusted: evaluated afresh and rewritten.
for entry in $(entries); do truncate -s -5 "$entry"; done
graph
graph --arg version=1.2

# strata gc sweeps old entries with the parse cache.
sleep 1
"$STRATA" gc --keep-days 0 >"$T/out" 2>&1 || { cat "$T/out"; fail "gc"; }
expect_contains "$T/out" "evaluation cache"
[[ -z $(entries) ]] || fail "gc left evaluation cache entries: $(entries)"

# `import //dir` from the entry file resolves against the root found above the entry (which
# names the entry): stored. From a module in another folder, the root is found above that
# folder, which no entry records: not stored, so a strata.workspace added there is seen.
mkdir -p "$T/ws/libs/base" "$T/ws/app/lib/libs/base" "$T/ws/direct"
touch "$T/ws/strata.workspace"
echo '{ name = "root-base"; }' >"$T/ws/libs/base/build.strata"
echo '{ name = "inner-base"; }' >"$T/ws/app/lib/libs/base/build.strata"
echo '{ base = import //libs/base; }' >"$T/ws/app/lib/x.strata"
echo 'let x = import ./lib/x.strata; in { default = scratch |> label "base" x.base.name; }' >"$T/ws/app/build.strata"
echo 'let b = import //libs/base; in { default = scratch |> label "base" b.name; }' >"$T/ws/direct/build.strata"
(cd "$T/ws/direct" && graph)
[[ $(entries | wc -l) == 1 ]] || fail "a // import from the entry file was not stored: $(entries)"
(cd "$T/ws/app" && graph)
grep -q root-base "$T/cached" || fail "//libs/base from lib/x.strata is not the root's"
[[ $(entries | wc -l) == 1 ]] || fail "a // import from another folder's module was stored: $(entries)"
touch "$T/ws/app/lib/strata.workspace"
(cd "$T/ws/app" && graph)
grep -q inner-base "$T/cached" || fail "the strata.workspace added above lib/x.strata was not seen"
rm -r "$T/store/graph-cache" && mkdir "$T/store/graph-cache"

# A program with errors answers with them, every time, and stores nothing.
echo '{ default = scratch |> label 1 "x"; }' >build.strata
for _ in 1 2; do
  if "$STRATA" graph --format json >/dev/null 2>"$T/err"; then fail "a type error was accepted"; fi
  expect_contains "$T/err" "build.strata:1:"
done
[[ -z $(entries) ]] || fail "a program with errors was stored"
echo "ok"
