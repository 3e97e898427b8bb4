#!/usr/bin/env bash
# Language server benchmark: opens a generated 5,000-line program in `strata lsp`, then prints
# the time of didOpen (parse + check + diagnostics), of a one-line edit (re-check), and of
# hover requests on names all over the file (median and worst).
#
#   tests/bench/lsp_bench.sh [STRATA] [LINES]     default: build/runtime/cli/strata 5000
set -euo pipefail
strata=$(realpath "${1:-build/runtime/cli/strata}")
lines=${2:-5000}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$strata" "$lines" "$work" "$here/../lsp/lsp_client_test.py" <<'PY'
import importlib.util, json, os, statistics, sys, time
strata, lines, work, client_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
# The test's client, without running its test (it runs main() at import: load the classes only).
source = open(client_path).read().replace("\nmain()\n", "\n")
module = {}
exec(compile(source, client_path, "exec"), module)
Client, position_of = module["Client"], module["position_of"]

# Bindings of records, functions and pipelines, then a record of targets using them.
n = max(5, (lines - 3) // 5)
parts = ["let"]
for i in range(n):
    parts.append(f"  # Target {i}'s settings.")
    parts.append(f"  conf{i} = {{ name = \"svc{i}\"; port = {8000 + i}; tags = [ \"a\" \"b\" ]; }};")
    parts.append(f"  mk{i} = c: image \"busybox:1.36\" |> workdir \"/srv/${{c.name}}\" |> expose c.port;")
parts.append("in {")
for i in range(n):
    parts.append(f"  t{i} = mk{i} conf{i};")
    parts.append(f"  p{i} = conf{i}.port + {i};")
parts.append("}")
text = "\n".join(parts) + "\n"
path = os.path.join(work, "build.strata")
open(path, "w").write(text)
uri = "file://" + path
c = Client(strata, work)
c.request("initialize", {"processId": None, "capabilities": {}})
start = time.perf_counter()
c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "strata", "version": 1, "text": text}})
diagnostics = c.diagnostics(uri)
opened = time.perf_counter() - start
assert diagnostics == [], diagnostics
start = time.perf_counter()
edited = text.replace("port = 8000;", "port = 8001;", 1)
c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]})
c.diagnostics(uri)
changed = time.perf_counter() - start
times = []
for k in range(0, n, max(1, n // 100)):
    for needle, delta in ((f"mk{k} conf{k};", 1), (f"conf{k}.port +", 6)):
        pos = position_of(edited, needle, delta)
        start = time.perf_counter()
        r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": pos})
        times.append(time.perf_counter() - start)
        assert r.get("result"), r
c.request("shutdown", None)
c.notify("exit", None)
c.proc.wait()
print(f"{text.count(chr(10))} lines, {len(text)} bytes")
print(f"didOpen to diagnostics: {opened * 1000:.1f} ms; full-text edit to diagnostics: {changed * 1000:.1f} ms")
print(f"hover: {len(times)} requests, median {statistics.median(times) * 1000:.2f} ms, worst {max(times) * 1000:.2f} ms")
PY
