#!/usr/bin/env bash
# A generated workspace (200 packages, 2,160 targets, imports between packages): after each
# kind of change (local sources, shared functions, imported packages, strata.lock, .dockerignore,
# a vendored stdlib's function), `strata affected --since HEAD` lists exactly the labels whose
# keys a brute-force diff finds (the root key of `strata graph -f PACKAGE TARGET` of every target,
# before and after); it never touches the working tree, index or HEAD. `query rdeps` of a
# library lists every dependant (found by reading the imports); bad input exits 1 with a
# clear message.
source "$(dirname "$0")/lib.sh"
W=$T/ws
python3 "$HERE/fixtures/make-workspace.py" "$W" 200 12
cd "$W"
git init -q . && git config user.email t@example.com && git config user.name t
git add -A && git commit -qm base
# A store that exists: targets and affected use (and fill) its package cache throughout.
mkdir -p "$STRATA_STORE"

"$STRATA" targets //... >"$T/labels" 2>"$T/err" || { cat "$T/err"; fail "targets //..."; }
[ "$(wc -l <"$T/labels")" = 2160 ] || fail "expected 2160 targets, got $(wc -l <"$T/labels")"
expect_contains "$T/labels" "//pkgs/p0:svc.api"
expect_not_contains "$T/labels" "//libs/"
LC_ALL=C sort -c "$T/labels" || fail "targets are not sorted"

# label key, for every target of every package, by evaluating each package's file on its own
# (`strata eval -f PACKAGE/build.strata self` prints `<stage KEY>` for each stage), in file
# mode: no workspace code involved. A sample is checked against `strata graph`'s root key.
brute_keys() {
  python3 - "$STRATA" "$1" <<'PY'
import concurrent.futures, os, re, subprocess, sys
strata, out = sys.argv[1], sys.argv[2]
packages = sorted(os.path.relpath(d, ".") for d, _, files in os.walk(".")
                  if "build.strata" in files and "/." not in d and not d.startswith("./."))
def keys(package):
    run = subprocess.run([strata, "eval", "-f", package + "/build.strata", "self"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("eval of %s failed: %s" % (package, run.stderr))
    path, found = [], []
    for m in re.finditer(r'(\w+) = \{|\}|(\w+) = <stage (\w+)>', run.stdout):
        if m.group(1): path.append(m.group(1))
        elif m.group(2): found.append(("//%s:%s" % (package, ".".join(path + [m.group(2)])), m.group(3)))
        elif path: path.pop()
    return found
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    lines = sorted("%s %s" % pair for result in pool.map(keys, packages) for pair in result)
open(out, "w").write("".join(line + "\n" for line in lines))
PY
  [ "$(wc -l <"$1")" = "$(wc -l <"$T/labels")" ] || fail "brute-force keys: $(wc -l <"$1") of $(wc -l <"$T/labels")"
  local label key package target
  for label in $(shuf -n 5 --random-source=<(yes) "$T/labels"); do
    package=${label#//}; package=${package%%:*}; target=${label#*:}
    key=$("$STRATA" graph -f "$package/build.strata" "$target" --format json | jq -r '.roots[0]')
    grep -qx "$label $key" "$1" || fail "eval and graph keys of $label differ"
  done
}
brute_keys "$T/keys.before"

# check KIND: compare `affected --since HEAD` with the key diff, then commit the change.
check() {
  local kind=$1
  local status_before head_before
  status_before=$(git status --porcelain) head_before=$(git rev-parse HEAD)
  cp .git/index "$T/index.before"
  "$STRATA" targets //... >"$T/labels"
  brute_keys "$T/keys.after"
  join -a 2 "$T/keys.before" "$T/keys.after" | awk 'NF != 3 || $2 != $3 { print $1 }' | LC_ALL=C sort >"$T/expected"
  "$STRATA" affected --since HEAD >"$T/actual" 2>"$T/err" || { cat "$T/err"; fail "$kind: affected failed"; }
  if ! diff -u "$T/expected" "$T/actual"; then fail "$kind: affected differs from the key diff"; fi
  [ -s "$T/expected" ] || fail "$kind: the change affected nothing (a useless case)"
  [ "$(git status --porcelain)" = "$status_before" ] || fail "$kind: affected changed the working tree"
  [ "$(git rev-parse HEAD)" = "$head_before" ] || fail "$kind: affected moved HEAD"
  cmp -s .git/index "$T/index.before" || fail "$kind: affected changed the index"
  echo "$kind: $(wc -l <"$T/actual") affected"
  git add -A && git commit -qm "$kind"
  mv "$T/keys.after" "$T/keys.before"
}

echo changed >>pkgs/p5/src/f3.txt
check "local source"
sed -i 's/tag = name: "lib3-"/tag = name: "lib3x-"/' libs/lib3/build.strata
check "shared function"
sed -i 's/version = "18\./version = "18b./' libs/lib18/build.strata
check "imported package"
echo changed >>pkgs/p4/src/f0.txt
check "another package's target"
sed -i 's/1111111111/2222222222/' strata.lock
check "strata.lock"
echo "" >pkgs/p10/docker/.dockerignore
check ".dockerignore"
# The stdlib, vendored (docs/language.md): the built-in text, then a library calling one of its
# functions for the same value (keys equal: nothing is affected), then that function changed:
# exactly the targets built from the library's value.
"$STRATA" stdlib vendor std >/dev/null
echo '{ stdlib = ./std; }' >strata.workspace
sed -i 's/tag = name: "lib3x-" + name;/tag = name: (import <std\/strings>).join "-" [ "lib3x" name ];/' libs/lib3/build.strata
grep -q 'import <std/strings>' libs/lib3/build.strata || fail "lib3 does not call the stdlib"
"$STRATA" affected --since HEAD >"$T/actual" 2>"$T/err" || { cat "$T/err"; fail "vendored stdlib: affected failed"; }
[ ! -s "$T/actual" ] || fail "the vendored built-in stdlib and an equal value affected: $(head -3 "$T/actual")"
git add -A && git commit -qm "vendored stdlib"
sed -i 's/join = sep: xs: concatStringsSep sep xs;/join = sep: xs: concatStringsSep (sep + sep) xs;/' std/strings.strata
check "stdlib function"
# A folder source (pkgs/p20:data copies ./data): REV's entries are checked against git's view
# of the tree without a checkout, so each way a folder can differ from REV must be seen.
mkdir -p pkgs/p20/data/sub && printf 'a\n' >pkgs/p20/data/a && printf 'b\n' >pkgs/p20/data/sub/b
printf '*.tmp\n' >pkgs/p20/.gitignore
sed -i 's|^}$|  data = scratch \|> copy ./data "/data";\n}|' pkgs/p20/build.strata
check "a new target on a folder"
printf 'new\n' >pkgs/p20/data/sub/c
check "a file only in the working tree (untracked)"
git rm -q pkgs/p20/data/a
check "a file only in REV"
chmod +x pkgs/p20/data/sub/b
check "a mode change (chmod +x)"
ln -s sub/b pkgs/p20/data/link
check "a symlink"
ln -sfn sub/c pkgs/p20/data/link
check "a symlink's target"
# An ignored, untracked file is in the working tree's folder too (and not at REV).
printf 'x\n' >pkgs/p20/data/x.tmp
"$STRATA" affected --since HEAD >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "affected with an ignored file"; }
[ "$(cat "$T/out")" = "//pkgs/p20:data" ] || fail "an ignored file: $(cat "$T/out")"
rm pkgs/p20/data/x.tmp
# An empty folder (git keeps none) is in the working tree's digest only.
mkdir pkgs/p20/data/empty
"$STRATA" affected --since HEAD >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "affected with an empty folder"; }
[ "$(cat "$T/out")" = "//pkgs/p20:data" ] || fail "an empty folder: $(cat "$T/out")"
rmdir pkgs/p20/data/empty
"$STRATA" affected --since HEAD >"$T/out"
[ ! -s "$T/out" ] || fail "nothing differs from HEAD, yet affected: $(cat "$T/out")"
# A package that did not exist at REV: its targets are new, so affected.
mkdir -p pkgs/new && printf '{ a = scratch |> label "x" "y"; }\n' >pkgs/new/build.strata
check "new package"

# Only the pattern's targets; HEAD~1 in git syntax.
"$STRATA" affected --since HEAD~2 //pkgs/p1... >"$T/out" 2>"$T/err" && fail "//pkgs/p1... is no pattern"
"$STRATA" affected --since HEAD~2 //pkgs/new/... >"$T/out"
[ "$(cat "$T/out")" = "//pkgs/new:a" ] || fail "affected of a pattern: $(cat "$T/out")"

# query rdeps of a library: every target of every package that imports it, directly or
# through another package (pI with I%3 == 2 imports pI-1).
"$STRATA" query rdeps //libs/lib19 >"$T/rdeps" 2>"$T/err" || { cat "$T/err"; fail "query rdeps"; }
: >"$T/expected"
for f in pkgs/*/build.strata; do
  p=$(basename "$(dirname "$f")")
  importers=$(grep -l "import //pkgs/$p;" pkgs/*/build.strata || true)
  if grep -q "import //libs/lib19;" "$f"; then
    for g in "$f" $importers; do grep "^//pkgs/$(basename "$(dirname "$g")"):" "$T/labels" >>"$T/expected" || true; done
  fi
done
LC_ALL=C sort -u -o "$T/expected" "$T/expected"
[ -s "$T/expected" ] || fail "no dependant of //libs/lib19 expected"
diff -u "$T/expected" "$T/rdeps" || fail "query rdeps //libs/lib19"
# lib18 is imported by lib19 as well: a library dependant prints as a package label.
"$STRATA" query rdeps //libs/lib18 >"$T/rdeps"
expect_contains "$T/rdeps" "//libs/lib19"
expect_contains "$T/rdeps" "//pkgs/p18:t0"
"$STRATA" query rdeps //libs/lib18 --within //pkgs/p38 --format json >"$T/rdeps"
[ "$(jq -r '.[]' "$T/rdeps" | sed 's/:.*//' | sort -u)" = "//pkgs/p38" ] || fail "--within: $(cat "$T/rdeps")"
# A target's rdeps are exact: p5:t2 is built on p4:t0, no other p5 target is.
"$STRATA" query rdeps //pkgs/p4:t0 >"$T/rdeps"
[ "$(cat "$T/rdeps")" = "//pkgs/p5:t2" ] || fail "rdeps //pkgs/p4:t0: $(cat "$T/rdeps")"
"$STRATA" query deps //pkgs/p5:t2 >"$T/deps"
expect_contains "$T/deps" "//pkgs/p4:t0"
expect_contains "$T/deps" "//libs/lib5"
expect_not_contains "$T/deps" "//pkgs/p4:t1"

# Bad input: exit 1, a clear message with the near names.
for args in "affected --since no-such-rev" "targets //pkgs/p100000" "targets //pkgs/p1:t99" \
            "query deps //pkgs/p1:nope"; do
  set +e
  "$STRATA" $args >"$T/out" 2>"$T/err"
  code=$?
  set -e
  [ "$code" = 1 ] || { cat "$T/err"; fail "strata $args: exit $code, expected 1"; }
done
"$STRATA" affected --since no-such-rev 2>"$T/err" >/dev/null || true
expect_contains "$T/err" "unknown revision 'no-such-rev'"
"$STRATA" targets //pkgs/p1000 2>"$T/err" >/dev/null || true
expect_contains "$T/err" "no package //pkgs/p1000"
expect_contains "$T/err" "near: //pkgs/p100"
"$STRATA" targets //pkgs/p1:t99 2>"$T/err" >/dev/null || true
expect_contains "$T/err" "no target //pkgs/p1:t99; near: //pkgs/p1:t9"
set +e
"$STRATA" targets //pkgs/x:: >/dev/null 2>"$T/err"
[ $? = 2 ] || fail "a malformed label is a usage error"
set -e

# A cycle between packages: the cycle printed.
printf 'let b = import //cyc/b; in { a = scratch; }\n' >"$T/a.strata"
mkdir -p cyc/a cyc/b
cp "$T/a.strata" cyc/a/build.strata
printf 'let a = import //cyc/a; in { b = scratch; }\n' >cyc/b/build.strata
set +e
"$STRATA" targets //cyc/... >/dev/null 2>"$T/err"
code=$?
set -e
[ "$code" = 1 ] || fail "a package cycle: exit $code"
expect_contains "$T/err" "import cycle: //cyc/a -> //cyc/b -> //cyc/a"
echo ok
