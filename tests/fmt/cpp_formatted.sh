#!/usr/bin/env bash
# The C++ sources stay in the layout of the repository's .clang-format: clang-format changes
# nothing in any .cpp or .h under compiler/, runtime/, stdlib/ and tests/ (run
# `git ls-files '*.cpp' '*.h' | xargs clang-format -i` to fix).
#   cpp_formatted.sh
set -u
cd "$(dirname "$0")/../.." || exit 1
command -v clang-format >/dev/null || { echo "FAIL: clang-format is not installed (setup.sh installs it)" >&2; exit 1; }
mapfile -t files < <(find compiler runtime stdlib tests -name '*.cpp' -o -name '*.h' | sort)
[ "${#files[@]}" -gt 100 ] || { echo "FAIL: found only ${#files[@]} C++ files" >&2; exit 1; }
# One clang-format for all files; its diagnostics name each file that differs.
if ! out=$(clang-format --dry-run -Werror "${files[@]}" 2>&1); then
  echo "FAIL: these files differ from clang-format's layout:" >&2
  printf '%s\n' "$out" | grep -o '^[^:]*:[0-9]*:[0-9]*: error' | cut -d: -f1 | sort -u | sed 's/^/  /' >&2
  exit 1
fi
echo "ok: ${#files[@]} C++ files formatted"
