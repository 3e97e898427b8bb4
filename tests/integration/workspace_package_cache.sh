#!/usr/bin/env bash
# The workspace package cache (STORE/package-cache): `targets`, `affected` and `query` answer
# unchanged packages from it, and after every kind of change (a file under a local source, a strata.lock
# entry, an imported package, a .dockerignore, a Dockerfile, a shared module) their answers
# equal those of a run without a cache. `affected` reads REV as a checkout gives it: a file
# marked export-ignore (which `git archive` leaves out) is no change.
source "$(dirname "$0")/lib.sh"
W=$T/ws
python3 "$HERE/fixtures/make-workspace.py" "$W" 40 6
cd "$W"
git init -q . && git config user.email t@example.com && git config user.name t
git add -A && git commit -qm base
mkdir -p "$STRATA_STORE"
NOCACHE=$T/no-store  # a store that does not exist: no cache is read or written

stats() { grep '^package cache:' "$1"; }

# queries KIND: query deps and rdeps of targets and libraries, answered from the package cache
# (nothing evaluated), equal runs without one; at least one answer is not empty.
queries() {
  local kind=$1 q any=0
  for q in "deps //pkgs/p5:t2" "deps //pkgs/p8:t2" "deps //pkgs/p1:svc.api" "rdeps //pkgs/p4:t0" \
           "rdeps //pkgs/p7:t0" "rdeps //libs/lib3" "rdeps //libs/lib0 --within //pkgs/..." \
           "rdeps //pkgs/p7:t0 --within //pkgs/p8 --format json"; do
    "$STRATA" query $q --stats >"$T/cached" 2>"$T/err" || { cat "$T/err"; fail "$kind: query $q"; }
    stats "$T/err" | grep -q ' 0 evaluated' || fail "$kind: query $q evaluated: $(stats "$T/err")"
    "$STRATA" query $q --store "$NOCACHE" >"$T/fresh" 2>"$T/err" || { cat "$T/err"; fail "$kind: query $q without cache"; }
    diff -u "$T/fresh" "$T/cached" || fail "$kind: query $q from the cache differs from a fresh one"
    [ ! -s "$T/fresh" ] || [ "$(cat "$T/fresh")" = "[]" ] || any=1
  done
  [ "$any" = 1 ] || fail "$kind: every query answer was empty (a useless case)"
}
"$STRATA" targets //... --stats >"$T/cold" 2>"$T/err" || { cat "$T/err"; fail "targets"; }
[ "$(stats "$T/err")" = "package cache: 0 hits, 40 evaluated, 40 stored" ] || fail "cold: $(stats "$T/err")"
[ -d "$STRATA_STORE/package-cache" ] || fail "no package-cache directory in the store"
"$STRATA" targets //... --stats >"$T/warm" 2>"$T/err"
[ "$(stats "$T/err")" = "package cache: 40 hits, 0 evaluated, 0 stored" ] || fail "warm: $(stats "$T/err")"
cmp -s "$T/cold" "$T/warm" || fail "a warm targets differs from a cold one"
[ ! -e "$NOCACHE" ] || fail "setup"
queries "unchanged"
[ ! -e "$NOCACHE" ] || fail "a query created the store it was told to read"

# Both revisions from the cache when nothing changed (40 packages in the working tree, the 36
# with targets at REV): REV's snapshot hits the entries the
# working tree wrote (paths in entries are relative to the root).
"$STRATA" affected --since HEAD --stats >"$T/out" 2>"$T/err"
[ ! -s "$T/out" ] || fail "nothing changed, yet affected: $(cat "$T/out")"
[ "$(stats "$T/err")" = "package cache: 76 hits, 0 evaluated, 0 stored" ] || fail "affected: $(stats "$T/err")"
# No checkout but the four Dockerfile contexts (pkgs/p0, p10, p20, p30: 4 files each), which
# are hashed with their modes as a checkout sets them.
expect_contains "$T/err" "revision: 16 files checked out"

# check KIND EVALUATED: cached and uncached answers agree, the change affects something, and
# only the packages whose inputs changed were evaluated (at the working tree; REV hits).
check() {
  local kind=$1 evaluated=$2
  "$STRATA" affected --since HEAD --stats >"$T/cached" 2>"$T/err" || { cat "$T/err"; fail "$kind: affected"; }
  local line; line=$(stats "$T/err")
  revision=$(grep '^revision:' "$T/err")
  "$STRATA" affected --since HEAD --store "$NOCACHE" >"$T/fresh" 2>"$T/err" || { cat "$T/err"; fail "$kind: affected without cache"; }
  diff -u "$T/fresh" "$T/cached" || fail "$kind: the cached answer differs from a fresh one"
  [ -s "$T/fresh" ] || fail "$kind: the change affected nothing (a useless case)"
  local affected; affected=$(wc -l <"$T/fresh")
  [ "$line" = "package cache: $((76 - evaluated)) hits, $evaluated evaluated, $evaluated stored" ] ||
    fail "$kind: expected $evaluated packages evaluated: $line"
  "$STRATA" targets //... >"$T/cached"
  "$STRATA" targets //... --store "$NOCACHE" >"$T/fresh"
  cmp -s "$T/fresh" "$T/cached" || fail "$kind: targets differ from a fresh run"
  queries "$kind"
  echo "$kind: $affected affected; $line"
  git add -A && git commit -qm "$kind"
}

echo changed >>pkgs/p5/src/f3.txt
check "a file under a local source" 1
# REV is not checked out: its entry for p5 was checked against the one file git reported
# changed (checked out alone, beside the 16 files of Dockerfile contexts), every other input
# against the working tree's hashes.
[ "$revision" = "revision: 17 files checked out" ] || fail "a local source: $revision"
# lib3 is imported by lib4 … lib3 (a chain) and by the packages pI with I % 4 == 3..: every
# package whose import closure holds lib3 is evaluated again; count them from the imports.
sed -i 's/tag = name: "lib3-"/tag = name: "lib3x-"/' libs/lib3/build.strata
n=$(python3 - <<'PY'
import os, re
imports = {}
for d, _, files in os.walk("."):
    if "build.strata" in files and "/." not in d:
        p = os.path.relpath(d, ".")
        imports[p] = re.findall(r"import //([\w/]+);", open(d + "/build.strata").read())
def closure(p, seen):
    for q in imports[p]:
        if q not in seen:
            seen.add(q); closure(q, seen)
    return seen
print(sum(1 for p in imports if p == "libs/lib3" or "libs/lib3" in closure(p, set())))
PY
)
check "an imported package" "$n"
echo "" >pkgs/p10/docker/.dockerignore
check ".dockerignore" 1
printf 'FROM busybox:1.36\nLABEL package=p10b\nCOPY . /app\n' >pkgs/p10/docker/Dockerfile
check "a Dockerfile" 1
sed -i 's/1111111111/2222222222/' strata.lock
check "a strata.lock entry" 40
# A target that now builds on another package's target: its rdeps gain it.
sed -i 's|  t3 = scratch|  t3 = dep.t0|' pkgs/p8/build.strata
check "a new dependency between targets" 1
"$STRATA" query rdeps //pkgs/p7:t0 >"$T/rdeps"
[ "$(cat "$T/rdeps")" = "$(printf '//pkgs/p8:t2\n//pkgs/p8:t3')" ] || fail "rdeps after the new dependency: $(cat "$T/rdeps")"

# A plain module shared by two packages (not a package): both are evaluated again.
printf '"one"\n' >shared.strata
sed -i 's|^in$|  shared = import ../../shared.strata;\nin|' pkgs/p1/build.strata pkgs/p2/build.strata
sed -i 's|label "tag" (lib.tag "api")|label "tag" (lib.tag shared)|' pkgs/p1/build.strata pkgs/p2/build.strata
git add -A && git commit -qm "shared module"
"$STRATA" targets //... >/dev/null
printf '"two"\n' >shared.strata
check "a shared module" 2

# A damaged entry is evaluated again and rewritten.
for f in "$STRATA_STORE"/package-cache/*; do printf 'garbage' >"$f"; done
"$STRATA" targets //... --stats >"$T/out" 2>"$T/err"
[ "$(stats "$T/err")" = "package cache: 0 hits, 40 evaluated, 40 stored" ] || fail "damaged: $(stats "$T/err")"
"$STRATA" targets //... --store "$NOCACHE" >"$T/fresh"
cmp -s "$T/fresh" "$T/out" || fail "targets after damaged entries"

# export-ignore: `git archive` would leave the file out of REV; a checkout does not.
printf 'pkgs/p6/src/f1.txt export-ignore\n' >.gitattributes
git add -A && git commit -qm "export-ignore"
"$STRATA" affected --since HEAD >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "affected with export-ignore"; }
[ ! -s "$T/out" ] || fail "export-ignore made REV differ from the checkout: $(cat "$T/out")"

# strata gc sweeps old entries with the parse cache.
sleep 1
"$STRATA" gc --keep-days 0 >"$T/out" 2>&1 || { cat "$T/out"; fail "gc"; }
[ -z "$(ls -A "$STRATA_STORE/package-cache")" ] || fail "gc left package cache entries"
echo ok
