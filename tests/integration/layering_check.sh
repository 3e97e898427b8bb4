#!/usr/bin/env bash
# The layering rules CI keeps (issue 13): runtime/cli reaches the compiler only through
# compiler/driver/, compiler/graph/, compiler/support/ (the base library) and compiler/lsp/ (the
# language server, a front end on the driver like the CLI), and no code outside the tests calls setenv
# (settings travel as explicit options).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
status=0
bad_includes=$(grep -rn '#include "compiler/' "$root/runtime/cli" \
  | grep -v '#include "compiler/driver/' | grep -v '#include "compiler/graph/' \
  | grep -v '#include "compiler/lsp/' | grep -v '#include "compiler/support/' || true)
if [[ -n "$bad_includes" ]]; then
  echo "runtime/cli may include only compiler/driver/, compiler/graph/, compiler/support/ and compiler/lsp/ headers:" >&2
  echo "$bad_includes" >&2
  status=1
fi
setenv_calls=$(grep -rnE '\b(setenv|putenv)\s*\(' "$root/compiler" "$root/runtime" "$root/stdlib" \
  --include='*.cpp' --include='*.h' || true)
if [[ -n "$setenv_calls" ]]; then
  echo "setenv/putenv outside tests (pass settings as options instead):" >&2
  echo "$setenv_calls" >&2
  status=1
fi
# The check itself must be able to fail: it sees the includes it is about.
grep -rq '#include "compiler/driver/' "$root/runtime/cli" || { echo "no driver include found: wrong tree?" >&2; status=1; }
[[ $status == 0 ]] && echo "layering ok"
exit $status
