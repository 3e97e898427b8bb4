// Lowering Dockerfiles to the derivation graph: ARG env, mounts, COPY/ADD forms, rejected
// inputs, .dockerignore, stage pruning, the `dockerfile` and `ignore` builtins.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/driver/dockerfile_pipeline.h"
#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/ops.h"
#include "compiler/graph/print.h"
#include "eval_fixture.h"
#include "test_support.h"

namespace strata::dockerfile {
namespace {

namespace fs = std::filesystem;

// A scratch directory with a context, removed at the end.
// A unique directory per test (tests of several checkouts may run at once).
struct Workspace {
  strata::testing::TempDir temp;
  fs::path dir;
  explicit Workspace(const std::string& name) : temp("lower-" + name), dir(temp.path) {
    fs::create_directories(dir / "ctx");
  }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((dir / "ctx" / rel).parent_path());
    std::ofstream(dir / "ctx" / rel, std::ios::binary) << text;
  }
  std::string Context() const { return (dir / "ctx").string(); }
};

struct Lowered {
  const graph::Node* root = nullptr;
  std::string text;    // PrintText of the root
  std::string errors;  // all diagnostics, formatted
};

Lowered Lower(Workspace& ws, const std::string& dockerfile, graph::Graph& graph,
              LowerOptions options = {}) {
  ws.Write("Dockerfile", dockerfile);
  diag::SourceManager sources;
  diag::DiagnosticEngine diags;
  dockerfile::DockerfileInput file;
  file.dockerfile = ws.Context() + "/Dockerfile";
  file.build_args = options.build_args;
  file.target = options.target;
  graph::LocalSourceHasher hasher;
  Lowered out;
  out.root = driver::LowerDockerfileInput(file, {}, graph, hasher, sources, diags);
  out.errors = diags.Format(sources);
  if (out.root) {
    std::ostringstream text;
    graph::PrintText(text, {out.root});
    out.text = text.str();
  }
  return out;
}

TEST_CASE(
    "dockerfile lower: ARGs reach RUN as env, the later of ENV and ARG wins, build args "
    "override",
    "[dockerfile]") {
  // An ENV after an ARG of the same name hides it; an ARG after an ENV is the step's (BuildKit
  // runs it with the ARG's value, buildkit_diff/run-env-arg-over-env).
  Workspace ws("args");
  graph::Graph graph;
  const char* text =
      "ARG V=1\nFROM alpine\nARG V\nARG W=2\nARG SHADOW=arg\nENV SHADOW=env\nENV LATER=env\n"
      "ARG LATER=arg\nRUN make\n";
  Lowered l = Lower(ws, text, graph);
  REQUIRE(l.root);
  const nlohmann::json* env = l.root->Find("step_env");
  REQUIRE(env);
  CHECK(*env == nlohmann::json({"LATER=arg", "V=1", "W=2"}));
  LowerOptions options;
  options.build_args = {{"V", "9"}};
  Lowered l2 = Lower(ws, text, graph, options);
  REQUIRE(l2.root);
  CHECK(*l2.root->Find("step_env") == nlohmann::json({"LATER=arg", "V=9", "W=2"}));
  CHECK(l2.root->key() != l.root->key());
}

TEST_CASE("dockerfile lower: only the stages the target needs, --target by name", "[dockerfile]") {
  Workspace ws("stages");
  graph::Graph graph;
  const char* text =
      "FROM alpine AS a\nRUN echo a\nFROM alpine AS unused\nRUN echo unused\n"
      "FROM scratch AS final\nCOPY --from=a /x /x\n";
  Lowered l = Lower(ws, text, graph);
  REQUIRE(l.root);
  CHECK(l.text.find("echo a") != std::string::npos);
  CHECK(l.text.find("unused") == std::string::npos);
  CHECK(l.root->op() == graph::Op::kCopy);
  LowerOptions options;
  options.target = "UNUSED";
  Lowered l2 = Lower(ws, text, graph, options);
  REQUIRE(l2.root);
  CHECK(*l2.root->Find("shell") == "echo unused");
  options.target = "nope";
  Lowered l3 = Lower(ws, text, graph, options);
  CHECK(!l3.root);
  CHECK(l3.errors.find("target stage \"nope\" could not be found; stages: a, unused, final") !=
        std::string::npos);
}

TEST_CASE("dockerfile lower: RUN mounts, secrets, network and heredocs", "[dockerfile]") {
  Workspace ws("run");
  ws.Write("conf/a", "a");
  graph::Graph graph;
  Lowered l =
      Lower(ws,
            "FROM alpine AS b\nRUN true\nFROM alpine\n"
            "RUN --mount=type=cache,target=/c --mount=type=secret,id=s "
            "--mount=type=bind,from=b,source=/o,target=/m --mount=type=bind,source=conf,target=/e "
            "--mount=type=tmpfs,target=/t --network=none make\n",
            graph);
  REQUIRE(l.root);
  CHECK(*l.root->Find("cache") == nlohmann::json({"/c"}));
  CHECK(*l.root->Find("secrets") ==
        nlohmann::json::parse(
            R"([{"id":"s","target":"/run/secrets/s","required":false,"uid":0,"gid":0}])"));
  CHECK(*l.root->Find("mounts") == nlohmann::json::parse(R"([{"target":"/m"},{"target":"/e"}])"));
  REQUIRE(l.root->inputs().size() == 3);
  // A secret's owner and mode as BuildKit reads them: decimal ids, an octal mode.
  graph::Graph owned_graph;
  Lowered owned = Lower(
      ws, "FROM alpine\nRUN --mount=type=secret,id=s,uid=1000,gid=5,mode=0440 true\n", owned_graph);
  REQUIRE(owned.root);
  CHECK(
      *owned.root->Find("secrets") ==
      nlohmann::json::parse(
          R"([{"id":"s","target":"/run/secrets/s","required":false,"uid":1000,"gid":5,"mode":288}])"));
  CHECK(*l.root->inputs()[1]->Find("path") == "/o");
  // A context path is narrowed to a local node of just that directory (graph::SelectPath).
  CHECK(l.root->inputs()[2]->op() == graph::Op::kLocal);
  CHECK(*l.root->inputs()[2]->Find("name") == "conf");

  Lowered heredoc = Lower(ws, "FROM alpine\nRUN <<EOF\necho one\necho two\nEOF\n", graph);
  REQUIRE(heredoc.root);
  CHECK(*heredoc.root->Find("shell") == "echo one\necho two\n");
  Lowered with_cmd = Lower(ws, "FROM alpine\nRUN <<EOF bash\necho x\nEOF\n", graph);
  REQUIRE(with_cmd.root);
  CHECK(*with_cmd.root->Find("shell") == "<<EOF bash\necho x\nEOF");

  Lowered network = Lower(ws, "FROM alpine\nRUN --network=default apk add x\n", graph);
  CHECK(network.root);
  CHECK(network.errors.find("warning: RUN --network=default: Strata build steps have no network") !=
        std::string::npos);
  Lowered host = Lower(ws, "FROM alpine\nRUN --network=host x\nRUN --mount=type=ssh x\n", graph);
  CHECK(!host.root);
  CHECK(host.errors.find("RUN --network=host is not supported") != std::string::npos);
  CHECK(host.errors.find("--mount=type=ssh is not supported") != std::string::npos);
}

TEST_CASE("dockerfile lower: COPY and ADD forms and what is rejected", "[dockerfile]") {
  Workspace ws("copy");
  ws.Write("a.txt", "a");
  ws.Write("b.txt", "b");
  std::string tar(1024, '\0');
  tar.replace(257, 5, "ustar");
  ws.Write("files.tar", tar);
  graph::Graph graph;
  Lowered glob = Lower(ws, "FROM scratch\nCOPY --chmod=0755 *.txt /d/\n", graph);
  REQUIRE(glob.root);
  CHECK(*glob.root->Find("chmod") == "0755");
  // Glob matches are expanded at lowering time; each file is its own narrowed local node.
  CHECK(*glob.root->inputs()[1]->Find("name") == "b.txt");
  CHECK(*glob.root->inputs()[0]->inputs()[1]->Find("name") == "a.txt");

  Lowered extract = Lower(ws, "FROM scratch\nADD files.tar /opt/\nADD a.txt /opt/\n", graph);
  REQUIRE(extract.root);
  CHECK(extract.root->Find("extract") == nullptr);
  CHECK(*extract.root->inputs()[0]->Find("extract") == true);

  std::string sum(64, 'a');
  Lowered url = Lower(
      ws, "FROM scratch\nADD --checksum=sha256:" + sum + " https://x.org/t.tgz?v=1 /opt/\n", graph);
  REQUIRE(url.root);
  CHECK(*url.root->Find("dest") == "/opt/t.tgz");
  CHECK(url.root->inputs()[1]->op() == graph::Op::kFetch);

  Lowered image = Lower(ws, "FROM scratch\nCOPY --from=alpine:3 /etc/os-release /\n", graph);
  REQUIRE(image.root);
  CHECK(*image.root->inputs()[1]->inputs()[0]->Find("ref") == "alpine:3");

  Lowered bad = Lower(ws,
                      "FROM scratch\nADD https://x.org/t.tgz /opt/\nCOPY missing.txt /\n"
                      "COPY a.txt <<EOF\nhi\nEOF\nCOPY a.txt b.txt /notadir\nCOPY --from=7 /x /x\n",
                      graph);
  CHECK(!bad.root);
  CHECK(bad.errors.find(
            "needs --checksum=sha256:<64 hex digits>: Strata builds take no unpinned input") !=
        std::string::npos);
  CHECK(bad.errors.find("COPY source \"missing.txt\" not found in the build context") !=
        std::string::npos);
  CHECK(bad.errors.find("the destination must be a directory and end with a /") !=
        std::string::npos);
  CHECK(bad.errors.find("COPY cannot accept a heredoc as a destination") != std::string::npos);
  CHECK(bad.errors.find("invalid stage index 7") != std::string::npos);
}

TEST_CASE("dockerfile lower: COPY and ADD heredocs become text nodes", "[dockerfile]") {
  Workspace ws("heredoc");
  graph::Graph graph;
  Lowered one = Lower(ws,
                      "FROM scratch\nARG WHO=world\nCOPY --chmod=0600 <<EOF /app/config.txt\n"
                      "hello $WHO \"q\"\nEOF\n",
                      graph);
  REQUIRE(one.root);
  CHECK(*one.root->Find("dest") == "/app/config.txt");
  CHECK(*one.root->Find("chmod") == "0600");
  const graph::Node* text = one.root->inputs()[1];
  CHECK(text->op() == graph::Op::kText);
  CHECK(!graph::IsStage(text));
  CHECK(*text->Find("name") == "EOF");
  // Expanded as BuildKit does it: variables replaced, quotes kept.
  CHECK(*text->Find("content") == "hello world \"q\"\n");
  CHECK(text == graph::MakeText(graph, "EOF", "hello world \"q\"\n"));

  Lowered two =
      Lower(ws, "FROM scratch\nENV X=1\nADD <<-A <<'B' /etc/\n\tx=$X\nA\n\ty=$X\nB\n", graph);
  REQUIRE(two.root);
  CHECK(*two.root->Find("dest") == "/etc/");
  CHECK(*two.root->inputs()[1]->Find("name") == "B");
  CHECK(*two.root->inputs()[1]->Find("content") == "\ty=$X\n");  // quoted: no expansion, tabs kept
  const graph::Node* first = two.root->inputs()[0];
  CHECK(*first->Find("dest") == "/etc/");
  CHECK(*first->inputs()[1]->Find("name") == "A");
  CHECK(*first->inputs()[1]->Find("content") == "x=1\n");  // <<-: leading tabs stripped
  CHECK(first->inputs()[1]->Find("extract") == nullptr);

  Lowered mixed = Lower(ws, "FROM scratch\nCOPY <<A <<B /notadir\na\nA\nb\nB\n", graph);
  CHECK(!mixed.root);
  CHECK(mixed.errors.find("the destination must be a directory and end with a /") !=
        std::string::npos);
}

TEST_CASE("dockerfile lower: config instructions", "[dockerfile]") {
  Workspace ws("config");
  graph::Graph graph;
  Lowered l = Lower(
      ws, "FROM alpine\nSHELL [\"/bin/bash\", \"-c\"]\nEXPOSE 53/UDP\nENTRYPOINT run it\n", graph);
  REQUIRE(l.root);
  // ENTRYPOINT resets the base image's CMD; the shell form goes through SHELL.
  CHECK(*l.root->Find("field") == "cmd");
  CHECK(*l.root->inputs()[0]->Find("value") == nlohmann::json({"/bin/bash", "-c", "run it"}));
  CHECK(*l.root->inputs()[0]->inputs()[0]->Find("value") == "53/udp");
  Lowered scratch = Lower(ws, "FROM scratch\nENTRYPOINT [\"/app\"]\n", graph);
  REQUIRE(scratch.root);
  CHECK(*scratch.root->Find("field") == "entrypoint");
  // STOPSIGNAL takes what BuildKit's signal.ParseSignal takes, after ARG expansion.
  Lowered stop = Lower(ws, "FROM scratch\nARG S=rtmin+3\nSTOPSIGNAL $S\n", graph);
  REQUIRE(stop.root);
  CHECK(*stop.root->Find("value") == "rtmin+3");
  Lowered bad = Lower(ws, "FROM scratch\nARG S=SIGNOPE\nSTOPSIGNAL $S\n", graph);
  CHECK(bad.errors.find("Dockerfile:3:1: error: failed to process \"STOPSIGNAL SIGNOPE\": "
                        "invalid signal") != std::string::npos);
}

TEST_CASE("dockerfile lower: .dockerignore filters the context and its key", "[dockerfile]") {
  Workspace ws("ignore");
  ws.Write("app.js", "1");
  ws.Write("debug.log", "x");
  ws.Write("keep.log", "k");
  ws.Write("node_modules/m/index.js", "m");
  ws.Write(".dockerignore", "# comment\nnode_modules\n*.log\n!keep.log\n");
  graph::Graph graph;
  Lowered before = Lower(ws, "FROM scratch\nCOPY . /app\n", graph);
  REQUIRE(before.root);
  const graph::Node* context = before.root->inputs()[1];
  CHECK(*context->Find("exclude") == nlohmann::json({"node_modules", "*.log", "!keep.log"}));
  ws.Write("debug.log", "changed");
  ws.Write("node_modules/m/index.js", "changed");
  Lowered ignored_change = Lower(ws, "FROM scratch\nCOPY . /app\n", graph);
  CHECK(ignored_change.root->key() == before.root->key());
  ws.Write("keep.log", "changed");
  Lowered kept_change = Lower(ws, "FROM scratch\nCOPY . /app\n", graph);
  CHECK(kept_change.root->key() != before.root->key());
  Lowered excluded = Lower(ws, "FROM scratch\nCOPY debug.log /\n", graph);
  CHECK(excluded.errors.find("is excluded by .dockerignore") != std::string::npos);
}

TEST_CASE("dockerfile lower: ignore patterns follow Docker's rules", "[dockerfile]") {
  std::vector<std::string> p = {"**/*.tmp", "/build", "docs", "!docs/keep.md", "a?c", "[xy].txt"};
  CHECK(graph::IsIgnoredByPatterns(p, "x.tmp"));
  CHECK(graph::IsIgnoredByPatterns(p, "deep/er/x.tmp"));
  CHECK(!graph::IsIgnoredByPatterns(p, "x.tmpl"));
  CHECK(graph::IsIgnoredByPatterns({graph::CleanIgnorePattern("/build/")}, "build/out/a"));
  CHECK(graph::IsIgnoredByPatterns(p, "docs/a.md"));
  CHECK(!graph::IsIgnoredByPatterns(p, "docs/keep.md"));
  CHECK(graph::IsIgnoredByPatterns(p, "abc"));
  CHECK(!graph::IsIgnoredByPatterns(p, "a/c"));
  CHECK(graph::IsIgnoredByPatterns(p, "y.txt"));
  CHECK(!graph::IsIgnoredByPatterns(p, "z.txt"));
  CHECK(graph::CleanIgnorePattern("  ! ./a/../b/ ") == "!b");
  CHECK(graph::CleanIgnorePattern("# c").empty());
  CHECK(ParseDockerignore("\xEF\xBB\xBFx\n\n#y\n!z\n") == std::vector<std::string>{"x", "!z"});
}

TEST_CASE("dockerfile lower: the dockerfile and ignore builtins", "[dockerfile][eval]") {
  Workspace ws("builtin");
  ws.Write("main.go", "package main");
  ws.Write("Dockerfile",
           "FROM golang AS build\nCOPY . /src\nRUN go build\nFROM scratch\nCOPY --from=build /out "
           "/out\n");
  graph::Graph graph;
  Lowered direct = Lower(ws,
                         "FROM golang AS build\nCOPY . /src\nRUN go build\nFROM scratch\nCOPY "
                         "--from=build /out /out\n",
                         graph);
  REQUIRE(direct.root);
  eval::testing::EvalFixture fixture;
  // The builtin reaches the driver's pipeline through the evaluator's hook (the driver sets it).
  graph::LocalSourceHasher hasher;
  fixture.evaluator().set_dockerfile_lowerer(
      [&](const DockerfileInput& input, diag::DiagnosticEngine& diags) {
        return driver::LowerDockerfileInput(input, {}, fixture.graph(), hasher,
                                            fixture.loader().sources(), diags);
      });
  std::string df = ws.Context() + "/Dockerfile";
  std::optional<eval::Value> final_stage = fixture.Eval("(dockerfile " + df + " { }).final");
  INFO(fixture.Formatted());
  REQUIRE(final_stage);
  CHECK(final_stage->node()->key() == direct.root->key());
  std::optional<eval::Value> build =
      fixture.Eval("(dockerfile " + df + " { buildArgs = [ ]; }).stage \"build\"");
  REQUIRE(build);
  CHECK(*build->node()->Find("shell") == "go build");
  std::optional<eval::Value> filtered = fixture.Eval("ignore [ \"*.go\" ] " + ws.Context());
  REQUIRE(filtered);
  CHECK(*filtered->node()->Find("exclude") == nlohmann::json({"*.go"}));
  CHECK(fixture.Run("(dockerfile " + df + " { }).stage \"nope\"").find("could not be found") !=
        std::string::npos);
}

TEST_CASE("dockerfile lower: a 10,000-instruction Dockerfile", "[dockerfile][perf]") {
  Workspace ws("big");
  std::string text = "ARG BASE=alpine\nFROM ${BASE} AS s0\n";
  for (int i = 0; i < 10000; ++i) {
    if (i % 1000 == 999)
      text += "FROM s" + std::to_string(i / 1000) + " AS s" + std::to_string(i / 1000 + 1) + "\n";
    else if (i % 4 == 0)
      text += "RUN --mount=type=cache,target=/c echo " + std::to_string(i) + "\n";
    else if (i % 4 == 1)
      text += "ENV K" + std::to_string(i) + "=v\n";
    else if (i % 4 == 2)
      text += "ARG A" + std::to_string(i) + "=x\n";
    else
      text += "WORKDIR /w" + std::to_string(i) + "\n";
  }
  graph::Graph graph;
  auto start = std::chrono::steady_clock::now();
  Lowered l = Lower(ws, text, graph);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(l.root);
  CHECK(graph.size() > 7000);
  WARN("parsing + lowering 10,000 instructions: " << ms << " ms, " << graph.size() << " nodes");
}

}  // namespace
}  // namespace strata::dockerfile
