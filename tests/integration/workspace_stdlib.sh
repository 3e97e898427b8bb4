#!/usr/bin/env bash
# A workspace that vendors its stdlib (`{ stdlib = ./std; }` in strata.workspace, the folder
# written by `strata stdlib vendor`): `<std/NAME>` is then std/NAME.strata, so a stdlib change
# is a commit like any other. `strata affected` lists exactly the targets whose keys a change to
# a stdlib function changes (a package importing the same module but not that function is not
# listed; brute force: `strata graph` of each label in a checkout of REV vs the working tree);
# the evaluation and package caches see the change; a bad strata.workspace is refused with its
# line:col. No runc needed: nothing is built.
source "$(dirname "$0")/lib.sh"

W=$T/w
mkdir -p "$W/a" "$W/b" "$W/c" "$T/store/graph-cache" "$T/store/package-cache"
cd "$W"
"$STRATA" stdlib vendor std >"$T/vendor.out"
expect_contains "$T/vendor.out" "std/strings.strata"
cmp std/strings.strata "$HERE/../../stdlib/strings.strata" 2>/dev/null ||
  [ ! -e "$HERE/../../stdlib/strings.strata" ] || fail "vendored strings.strata differs from the source tree's"
echo '# the stdlib this workspace builds with
{ stdlib = ./std; }' >strata.workspace
cat >a/build.strata <<'EOF2'
let s = import <std/strings>; in
{ default = scratch |> env "GREETING" (s.join "," [ "a" "b" ]); }
EOF2
cat >b/build.strata <<'EOF2'
let s = import <std/strings>; in
{ default = scratch |> env "ARGS" (s.escapeShellArg "b"); }
EOF2
cat >c/build.strata <<'EOF2'
{ default = scratch |> env "PLAIN" "c"; }
EOF2
git init -q . && git config user.email t@example.com && git config user.name t
git add -A && git commit -qm base

# keys LABEL...: "label key" lines from `strata graph --format json` in the current directory.
keys() {
  for label in "$@"; do
    "$STRATA" graph --format json "$label" | jq -r --arg l "$label" '"\($l) \(.roots[0])"'
  done
}
# brute LABEL...: the labels whose key differs between HEAD (a checkout) and the working tree.
brute() {
  rm -rf "$T/rev" && git worktree add -q --detach "$T/rev" HEAD
  (cd "$T/rev" && STRATA_STORE=$T/brute-store keys "$@") >"$T/keys.rev"
  git worktree remove --force "$T/rev"
  STRATA_STORE=$T/brute-store keys "$@" >"$T/keys.now"
  join "$T/keys.rev" "$T/keys.now" | awk '$2 != $3 { print $1 }' | LC_ALL=C sort
}
labels="//a:default //b:default //c:default"
"$STRATA" graph --format json //a >"$T/a.before"  # fills the evaluation and package caches
"$STRATA" targets //... >/dev/null
[ -n "$(ls "$T/store/package-cache")" ] || fail "no package-cache entry was written"

# Change only `join`: //a (uses it) is affected; //b (same module, other function) and //c not.
sed -i 's/join = sep: xs: concatStringsSep sep xs;/join = sep: xs: concatStringsSep (sep + sep) xs;/' std/strings.strata
git diff --quiet && fail "the sed did not change std/strings.strata"
"$STRATA" affected --since HEAD >"$T/affected"
[ "$(cat "$T/affected")" = "//a:default" ] || fail "affected after a join change: $(cat "$T/affected")"
[ "$(brute $labels | tr '\n' ' ')" = "//a:default " ] || fail "brute force disagrees: $(brute $labels)"
# The evaluation cache answers with the new stdlib: a,,b (the program's value changed).
"$STRATA" graph --format json //a >"$T/a.after"
cmp -s "$T/a.before" "$T/a.after" && fail "the graph of //a did not change with its stdlib"
STRATA_STORE=$T/fresh-store "$STRATA" graph --format json //a >"$T/a.fresh"
cmp "$T/a.after" "$T/a.fresh" || fail "a cached graph differs from a fresh one"
"$STRATA" eval -f a 'self.default' >/dev/null
git commit -qam "join doubles its separator"

# Back to the built-in stdlib (strata.workspace emptied): //a is affected (join differs),
# //b is not (its function is the same in both).
: >strata.workspace
"$STRATA" affected --since HEAD >"$T/affected"
[ "$(cat "$T/affected")" = "//a:default" ] || fail "affected after dropping the vendored stdlib: $(cat "$T/affected")"
[ "$(brute $labels | tr '\n' ' ')" = "//a:default " ] || fail "brute force disagrees: $(brute $labels)"
"$STRATA" graph --format json //a >"$T/a.builtin"
cmp -s "$T/a.builtin" "$T/a.before" || fail "the built-in stdlib did not give the first graph back"
# The same through `-f` (not a label): the evaluation cache must see strata.workspace change.
echo '{ stdlib = ./std; }' >strata.workspace
"$STRATA" graph --format json -f a >"$T/f.vendored"
cmp "$T/f.vendored" "$T/a.after" || fail "-f a with the vendored stdlib"
"$STRATA" graph --format json -f a >"$T/f.vendored"  # the run an entry answers
[ -n "$(find "$T/store/graph-cache" -type f)" ] || fail "no evaluation-cache entry was written"
: >strata.workspace
"$STRATA" graph --format json -f a >"$T/f.builtin"
cmp "$T/f.builtin" "$T/a.before" || fail "-f a after strata.workspace was emptied answered from a stale cache"
git checkout -q strata.workspace

# Bad strata.workspace files: located errors, exit 1.
bad() {
  printf '%s\n' "$1" >strata.workspace
  if "$STRATA" targets //... >"$T/out" 2>"$T/err"; then fail "accepted strata.workspace: $1"; fi
  expect_contains "$T/err" "$2"
}
bad '{ stdlib = ./nope; }' "$W/strata.workspace:1:12: error: the stdlib folder ./nope is not a folder"
bad '{ stdlib = ../..; }' "is outside the workspace root"
bad '{ stdlib = "std"; }' "strata.workspace:1:12: error: \`stdlib\` is a path literal"
bad '{ stdlb = ./std; }' "strata.workspace:1:3: error: unknown setting \`stdlb\`"
bad '[ 1 ]' "holds a record of settings"
bad '{ stdlib = ./std' "strata.workspace:"
git checkout -q strata.workspace
# A module the vendored folder lacks.
rm std/lists.strata
echo 'let l = import <std/lists>; in { default = scratch; }' >c/build.strata
"$STRATA" targets //c/... >"$T/out" 2>"$T/err" && fail "a missing vendored module was accepted"
expect_contains "$T/err" "c/build.strata:1:9: error: cannot import '<std/lists>': no $W/std/lists.strata in the workspace's stdlib folder"
echo "ok"
