#!/usr/bin/env python3
"""A scripted LSP client: spawns `strata lsp`, speaks JSON-RPC over its stdio and checks the
answers (docs/lsp.md). Usage: lsp_client_test.py STRATA_BINARY"""
import json
import os
import subprocess
import sys
import tempfile


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


class Client:
    def __init__(self, strata, cwd):
        self.proc = subprocess.Popen([strata, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.next_id = 1
        self.notifications = []

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                fail("the server closed its output; stderr: " + self.proc.stderr.read().decode())
            line = line.strip()
            if not line:
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return self.response(rid)

    def response(self, rid):
        while True:
            message = self.read()
            if message.get("id") == rid and "method" not in message:
                return message
            self.notifications.append(message)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri):
        """The next publishDiagnostics for `uri` (reading until it comes)."""
        for i, message in enumerate(self.notifications):
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                del self.notifications[i]
                return message["params"]["diagnostics"]
        while True:
            message = self.read()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]
            self.notifications.append(message)


def position_of(text, needle, delta=0, nth=0):
    """The LSP position (UTF-16 columns) of the nth occurrence of needle, plus delta characters."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += delta
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return {"line": line, "character": len(text[start:at].encode("utf-16-le")) // 2}


def expect(condition, message, value=None):
    if not condition:
        fail(message + ("" if value is None else ": " + json.dumps(value)))


LIB = """# Helpers shared by the build.
{
  # The port every service listens on.
  port = 8080;
  tag = "v1";
}
"""

MAIN = """let
  lib = import ./lib.strata;
  # Gives back its argument: a let-polymorphic function.
  identity = x: x;
  conf = { name = "api"; replicas = 3; };
  label = "été ✓ 😀"; copy = label;
  n = identity 1;
  s = identity "x";
  go = import <std/go>; svc = go.service;
in {
  default = conf.name;
  port = lib.port;
  both = label + s;
}
"""


def main():
    strata = os.path.realpath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="strata-lsp-test.")
    with open(os.path.join(work, "lib.strata"), "w") as f:
        f.write(LIB)
    with open(os.path.join(work, "build.strata"), "w") as f:
        f.write(MAIN)
    uri = "file://" + os.path.join(work, "build.strata")
    lib_uri = "file://" + os.path.join(work, "lib.strata")
    c = Client(strata, work)

    # Before initialize: requests are refused with -32002.
    r = c.request("textDocument/hover", {})
    expect(r.get("error", {}).get("code") == -32002, "a request before initialize gives -32002", r)

    r = c.request("initialize", {"processId": None, "rootUri": "file://" + work, "capabilities": {}})
    caps = r["result"]["capabilities"]
    expect(caps.get("hoverProvider") and caps.get("definitionProvider") and caps.get("documentSymbolProvider"),
           "initialize announces hover, definition and symbols", caps)
    expect("." in caps["completionProvider"]["triggerCharacters"], "completion triggers on '.'", caps)
    expect(caps.get("documentFormattingProvider") is True, "formatting is announced", caps)
    c.notify("initialized", {})

    # didOpen: a clean file has no diagnostics.
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "strata", "version": 1, "text": MAIN}})
    d = c.diagnostics(uri)
    expect(d == [], "no diagnostics for a correct file", d)

    # Hover on a let-polymorphic function: its generalized type and its doc comment.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "identity 1", 2)})
    value = r["result"]["contents"]["value"]
    expect("identity :: a -> a" in value, "hover shows the generalized type", r)
    expect("let-polymorphic function" in value, "hover shows the doc comment", r)
    # Hover on the binding itself.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "identity = ", 1)})
    expect("identity :: a -> a" in r["result"]["contents"]["value"], "hover on the binding", r)
    # Hover on a record field (selected) and in its definition.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "conf.name", 6)})
    expect("name :: String" in r["result"]["contents"]["value"], "hover on a selected record field", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "replicas", 1)})
    expect("replicas :: Int" in r["result"]["contents"]["value"], "hover on a record field's definition", r)
    # A record type with its row: hover on `conf`.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "conf.name", 1)})
    expect("conf :: { name :: String; replicas :: Int }" in r["result"]["contents"]["value"], "hover shows the record type", r)
    # A field of an imported record: its type and the doc comment in the other file.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "lib.port", 5)})
    v = r["result"]["contents"]["value"]
    expect("port :: Int" in v and "every service listens on" in v, "hover on an imported field", r)
    # UTF-16 columns: a name after non-ASCII text on its line, and its range.
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "copy = label", 8)})
    expect("label :: String" in r["result"]["contents"]["value"], "hover after non-ASCII text", r)
    expect(r["result"]["range"] == {"start": position_of(MAIN, "label;"), "end": position_of(MAIN, "label;", 5)},
           "the hover range counts UTF-16 units", r)

    # Definition: a let binding, and a field across an import.
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "identity 1", 1)})
    expect(r["result"]["uri"] == uri and r["result"]["range"]["start"] == position_of(MAIN, "identity = "),
           "definition of a let binding", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "lib.port", 5)})
    expect(r["result"]["uri"] == lib_uri and r["result"]["range"]["start"] == position_of(LIB, "port ="),
           "definition across an import", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "x: x", 3)})
    expect(r["result"]["range"]["start"] == position_of(MAIN, "x: x"), "definition of a parameter", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "x: x", 3)})
    v = r["result"]["contents"]["value"]
    expect("x :: a" in v and "polymorphic" not in v, "a parameter has its type and no doc comment", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "conf.name", 6)})
    expect(r["result"]["range"]["start"] == position_of(MAIN, "name = "), "definition of a record field", r)

    # Definition in an embedded stdlib module: the server writes it to a file to open.
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(MAIN, "go.service", 4)})
    target = r["result"]["uri"]
    expect(target.startswith("file://") and target.endswith("/std/go.strata"), "definition in <std/go>", r)
    with open(target[len("file://"):]) as f:
        std_lines = f.read().split("\n")
    at = r["result"]["range"]["start"]
    expect(std_lines[at["line"]][at["character"]:].startswith("service"), "the stdlib location names the field", r)

    # Document symbols: the top-level bindings and targets.
    r = c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    names = [s["name"] for s in r["result"]]
    for wanted in ["lib", "identity", "conf", "default", "port", "both"]:
        expect(wanted in names, "document symbols include " + wanted, names)

    # didChange with an error introduced (incremental change): diagnostics appear...
    bad_pos = position_of(MAIN, '"api"')
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
        {"range": {"start": bad_pos, "end": {"line": bad_pos["line"], "character": bad_pos["character"] + 5}}, "text": "1 + \"a\""}]})
    d = c.diagnostics(uri)
    expect(len(d) == 1 and d[0]["range"]["start"]["line"] == bad_pos["line"], "a type error is published", d)
    # ...and clear when it is removed.
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": MAIN}]})
    d = c.diagnostics(uri)
    expect(d == [], "diagnostics clear when the error is removed", d)

    # Text that does not parse: completion after `conf.` with nothing typed, and hover elsewhere.
    broken = MAIN.replace("  default = conf.name;\n", "  default = conf.\n")
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4}, "contentChanges": [{"text": broken}]})
    d = c.diagnostics(uri)
    expect(len(d) >= 1, "a syntax error is published", d)
    expect(all(x["range"]["start"]["line"] in (10, 11) for x in d), "only the broken part has diagnostics", d)
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position_of(broken, "conf.\n", 5)})
    labels = sorted(i["label"] for i in r["result"]["items"])
    expect(labels == ["name", "replicas"], "completion after '.' lists the record's fields", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(broken, "identity 1", 2)})
    expect(r["result"] and "identity :: a -> a" in r["result"]["contents"]["value"], "hover works in a broken file", r)
    r = c.request("textDocument/definition", {"textDocument": {"uri": uri}, "position": position_of(broken, "lib.port", 5)})
    expect(r["result"] and r["result"]["uri"] == lib_uri, "definition works in a broken file", r)
    # A line broken elsewhere: its diagnostics only, and hover on the other lines.
    broken2 = MAIN.replace('  s = identity "x";\n', '  s = identity "x" );\n')
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5}, "contentChanges": [{"text": broken2}]})
    d = c.diagnostics(uri)
    expect(len(d) >= 1 and all(x["range"]["start"]["line"] == 7 for x in d), "diagnostics on the broken line only", d)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position_of(broken2, "conf.name", 6)})
    expect(r["result"] and "name :: String" in r["result"]["contents"]["value"], "hover below a broken line", r)
    # Completion of names in scope, with builtins and their signatures.
    r = c.request("textDocument/completion", {"textDocument": {"uri": uri}, "position": position_of(broken2, "label + s", 0)})
    items = {i["label"]: i for i in r["result"]["items"]}
    expect("identity" in items and "conf" in items and "lib" in items, "completion offers the names in scope", list(items))
    expect("run" in items and "->" in items["run"].get("detail", ""), "completion offers builtins with signatures", items.get("run"))

    # Formatting (through strata fmt): null for text that does not parse; one whole-text edit
    # for a badly laid out text, whose result formats to no edit at all.
    r = c.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    expect("result" in r and r["result"] is None, "formatting a text that does not parse gives null", r)
    messy = MAIN.replace("  default = conf.name;\n", "  default   =   conf.name  ;\n")
    expect(messy != MAIN, "the test's messy text differs", messy)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 6}, "contentChanges": [{"text": messy}]})
    c.diagnostics(uri)
    r = c.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    edits = r.get("result")
    expect(isinstance(edits, list) and len(edits) == 1 and edits[0]["range"]["start"] == {"line": 0, "character": 0},
           "formatting gives one whole-text edit", r)
    formatted = edits[0]["newText"]
    expect("  default = conf.name;\n" in formatted, "the edit lays the binding out canonically", formatted)
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 7}, "contentChanges": [{"text": formatted}]})
    c.diagnostics(uri)
    r = c.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}})
    expect(r.get("result") == [], "formatted text gives no edit", r)

    # Malformed messages: protocol errors, and the server goes on.
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    r = c.read()
    expect(r.get("error", {}).get("code") == -32700 and r.get("id") is None, "bad JSON gives -32700", r)
    c.send_raw(b"Content-Length: x\r\n\r\n")
    r = c.read()
    expect(r.get("error", {}).get("code") == -32700, "a bad header gives -32700", r)
    c.send({"jsonrpc": "2.0", "id": 99})
    r = c.read()
    expect(r.get("error", {}).get("code") == -32600 and r.get("id") == 99, "a message without a method gives -32600", r)
    r = c.request("textDocument/frobnicate", {})
    expect(r.get("error", {}).get("code") == -32601, "an unknown method gives -32601", r)
    r = c.request("textDocument/hover", {"textDocument": {}})
    expect(r.get("error", {}).get("code") == -32602, "missing fields give -32602", r)
    c.send([])
    r = c.read()
    expect(r.get("error", {}).get("code") == -32600, "a batch gives -32600", r)

    # Shutdown, then exit: exit code 0.
    r = c.request("shutdown", None)
    expect("result" in r and r["result"] is None, "shutdown answers null", r)
    r = c.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
    expect(r.get("error", {}).get("code") == -32600, "requests after shutdown are refused", r)
    c.notify("exit", None)
    code = c.proc.wait(timeout=30)
    expect(code == 0, "exit after shutdown exits 0", code)

    # exit without shutdown: exit code 1.
    c2 = Client(strata, work)
    c2.request("initialize", {"processId": None, "capabilities": {}})
    c2.notify("exit", None)
    code = c2.proc.wait(timeout=30)
    expect(code == 1, "exit without shutdown exits 1", code)
    print("lsp client test ok")


main()
