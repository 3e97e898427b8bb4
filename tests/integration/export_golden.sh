#!/usr/bin/env bash
# The Dockerfile `strata export --dockerfile` writes for a small multi-stage program
# (export/golden.strata), pinned as text in export/golden.Dockerfile so that a change to it is
# reviewed with git diff (UPDATE_GOLDEN=1 rewrites it), and the context files beside it: modes
# normalised, the text artifact, no more. No engine needed (export_dockerfile.sh builds).
source "$(dirname "$0")/lib.sh"
src=$HERE/export
mkdir -p "$T/w"
cp -r "$src/golden.strata" "$src/golden-files" "$T/w/"
chmod 0700 "$T/w/golden-files/sub"  # a checkout's modes do not matter: local sources normalise
(cd "$T/w" && "$STRATA" export --dockerfile "$T/out" -f golden.strata) 2>"$T/err" || { cat "$T/err"; fail "export failed"; }
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then cp "$T/out/Dockerfile" "$src/golden.Dockerfile"; echo "updated"; exit 0; fi
diff -u "$src/golden.Dockerfile" "$T/out/Dockerfile" || fail "the exported Dockerfile changed (UPDATE_GOLDEN=1 rewrites export/golden.Dockerfile)"
(cd "$T/out" && find . -mindepth 1 -printf '%p %M %s\n' | LC_ALL=C sort) >"$T/files"
# Every context file the Dockerfile names exists, with the normalised modes.
grep -Eq '^\./ctx/[0-9a-f]{12}/sub drwxr-xr-x' "$T/files" || { cat "$T/files"; fail "sub/ is not 0755 in the context"; }
grep -Eq '^\./ctx/[0-9a-f]{12}/Makefile -rw-r--r-- ' "$T/files" || { cat "$T/files"; fail "Makefile is not 0644 in the context"; }
grep -Eq "^\./ctx/[0-9a-f]{12}-[0-9]+/config\.txt -rwxr-xr-x 10$" "$T/files" || { cat "$T/files"; fail "the text artifact is not in the context"; }
for path in $(grep -oE 'ctx/[0-9a-f]{12}(-[0-9]+)?(/[^ ]*)?' "$T/out/Dockerfile"); do
  [ -e "$T/out/$path" ] || fail "the Dockerfile names $path, which the context lacks"
done
# Nothing else: no pre-built input, no store files.
[ ! -e "$T/out/prebuilt" ] || fail "a scratch program has no pre-built input"
# The same program exports the same bytes again (BuildKit's cache keys stay stable).
(cd "$T/w" && "$STRATA" export --dockerfile "$T/out2" -f golden.strata) 2>/dev/null
diff -r "$T/out" "$T/out2" >/dev/null || fail "a second export differs"
# A node without a Dockerfile form: an error naming it (op, key, what it does), exit 1, and
# DIR left empty (nothing half-written).
cat >"$T/w/noform.strata" <<'STRATA'
{ default = scratch |> runWith { env = [ "A=1" ]; } "true" |> run "echo second-step"; }
STRATA
set +e
(cd "$T/w" && "$STRATA" export --dockerfile "$T/out3" -f noform.strata) 2>"$T/err"; status=$?
set -e
[ "$status" = 1 ] || { cat "$T/err"; fail "a step without the ARG of an earlier one: exit $status"; }
grep -Eq 'error: cannot export to a Dockerfile: exec node [0-9a-f]{32} \(RUN echo second-step\): .*variable A' "$T/err" ||
  { cat "$T/err"; fail "the error does not name the node"; }
[ -d "$T/out3" ] && [ -z "$(ls -A "$T/out3")" ] || fail "a failed export left files in DIR"
echo "PASS"
