// Stage builtins make the expected derivation-graph nodes, with stable keys.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>

#include "compiler/graph/ops.h"
#include "tests/unit/eval_fixture.h"

using strata::eval::Value;
using strata::eval::ValueKind;
using strata::eval::testing::EvalFixture;
using strata::eval::testing::NodeOf;
using strata::graph::Node;
using strata::graph::Op;

namespace {}  // namespace

TEST_CASE("stages: image, run and config builtins make nodes", "[eval][stages]") {
  EvalFixture f;
  const Node* n = NodeOf(f, "image \"alpine:3.19\" |> workdir \"/src\" |> run \"echo hi\"");
  REQUIRE(n);
  CHECK(n->op() == Op::kExec);
  CHECK(*n->Find("shell") == "echo hi");
  REQUIRE(n->inputs().size() == 1);
  const Node* wd = n->inputs()[0];
  CHECK(wd->op() == Op::kConfig);
  CHECK(*wd->Find("field") == "workdir");
  CHECK(*wd->Find("value") == "/src");
  CHECK(wd->inputs()[0]->op() == Op::kPull);
  CHECK(*wd->inputs()[0]->Find("ref") == "alpine:3.19");
}

TEST_CASE("stages: the same program gives the same keys", "[eval][stages]") {
  const std::string program =
      "let b = image \"golang:1.22\" |> runWith { cache = [ \"/go\" ]; } \"go build -o /out/app\"; "
      "in "
      "scratch |> copy (b / \"/out/app\") \"/app\" |> user \"65532\" |> expose 8080 |> entrypoint "
      "[ \"/app\" ]";
  EvalFixture f, g;
  const Node* a = NodeOf(f, program);
  const Node* b = NodeOf(g, program);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->key() == b->key());
  CHECK(NodeOf(f, program) == a);  // hash-consed within one graph
  CHECK(NodeOf(f, "scratch |> user \"0\"")->key() != a->key());
  std::ostringstream out;
  REQUIRE(f.evaluator().Print(out, Value::Node(a)));
  CHECK(out.str() == "<stage " + a->key().Hex() + ">");
}

TEST_CASE("stages: every config builtin", "[eval][stages]") {
  EvalFixture f;
  auto config = [&](const std::string& call) -> const Node* {
    const Node* n = NodeOf(f, "scratch |> " + call);
    if (n) CHECK(n->op() == Op::kConfig);
    return n;
  };
  CHECK(*config("env \"A\" \"1\"")->Find("value") == nlohmann::json::array({"A", "1"}));
  CHECK(*config("user \"app\"")->Find("value") == "app");
  CHECK(*config("entrypoint [ \"/a\" \"b\" ]")->Find("value") ==
        nlohmann::json::array({"/a", "b"}));
  CHECK(*config("cmd [ \"x\" ]")->Find("value") == nlohmann::json::array({"x"}));
  CHECK(*config("expose 8080")->Find("value") == "8080/tcp");
  CHECK(*config("label \"k\" \"v\"")->Find("value") == nlohmann::json::array({"k", "v"}));
  CHECK(*config("volume \"/data\"")->Find("value") == "/data");
  CHECK(*config("stopsignal \"SIGINT\"")->Find("value") == "SIGINT");
  CHECK(*config("shell [ \"/bin/bash\" \"-c\" ]")->Find("field") == "shell");
  const Node* hc = config(
      "healthcheck { test = [ \"CMD\" \"true\" ]; interval = \"5s\"; retries = 3; startPeriod = "
      "\"1s\"; }");
  REQUIRE(hc);
  nlohmann::json hv = *hc->Find("value");
  CHECK(hv["test"] == nlohmann::json::array({"CMD", "true"}));
  CHECK(hv["interval"] == "5s");
  CHECK(hv["start_period"] == "1s");
  CHECK(hv["retries"] == 3);
  CHECK_FALSE(hv.contains("timeout"));
}

TEST_CASE("stages: copy, copyWith, fetch, load, minimal, runWith", "[eval][stages]") {
  EvalFixture f;
  const std::string sha(64, 'a');
  const Node* c = NodeOf(f,
                         "scratch |> copyWith { chown = \"1:1\"; chmod = \"755\"; } "
                         "(image \"a\" / \"/bin\") \"/bin\"");
  REQUIRE(c);
  CHECK(c->op() == Op::kCopy);
  CHECK(c->inputs()[1]->op() == Op::kSelect);
  const Node* fe = NodeOf(f, "fetch { url = \"https://x/y.tgz\"; sha256 = \"" + sha + "\"; }");
  REQUIRE(fe);
  CHECK(fe->op() == Op::kFetch);
  const Node* ld =
      NodeOf(f, "load (fetch { url = \"https://x/img.tar\"; sha256 = \"" + sha + "\"; })");
  REQUIRE(ld);
  CHECK(ld->op() == Op::kLoad);
  const Node* mi = NodeOf(f, "minimal (image \"debian\") [ \"/bin/sh\" ]");
  REQUIRE(mi);
  CHECK(mi->op() == Op::kMinimal);
  const Node* rw = NodeOf(f, "image \"a\" |> runWith { network = true; sha256 = \"" + sha +
                                 "\"; "
                                 "secrets = [ { id = \"tok\"; } ]; mounts = [ { artifact = image "
                                 "\"b\" / \"/x\"; target = \"/m\"; } ]; "
                                 "tmpfs = [ \"/tmp\" ]; } \"make\"");
  REQUIRE(rw);
  CHECK(rw->op() == Op::kExec);
  CHECK(rw->inputs().size() == 2);  // the stage and the mounted artifact
}

TEST_CASE("stages: text makes a file artifact", "[eval][stages]") {
  EvalFixture f;
  const Node* t = NodeOf(f, "text \"config.txt\" \"hello\\n\"");
  REQUIRE(t);
  CHECK(t->op() == Op::kText);
  CHECK(*t->Find("name") == "config.txt");
  CHECK(*t->Find("content") == "hello\n");
  const Node* c = NodeOf(f, "scratch |> copy (text \"a\" ''\n  x\n'') \"/etc/a\"");
  REQUIRE(c);
  CHECK(c->inputs()[1]->op() == Op::kText);
  CHECK(*c->inputs()[1]->Find("content") == "x\n");
  EvalFixture g;
  CHECK_FALSE(g.Eval("text \"a/b\" \"x\""));
  CHECK_THAT(g.FirstError(), Catch::Contains("text: the file name must be one path segment"));
  EvalFixture h;
  CHECK_FALSE(h.Eval("scratch |> text \"a\" \"x\""));
}

// A port outside 1..65535, or a reversed range, made an image podman refuses to create a
// container from ("unable to convert image EXPOSE: port numbers cannot be negative"), where a
// Dockerfile's EXPOSE of the same text is an error.
TEST_CASE("stages: exposePort refuses what is not a port", "[eval][stages]") {
  EvalFixture f;
  CHECK(*NodeOf(f, "scratch |> exposePort \"53/udp\"")->Find("value") == "53/udp");
  CHECK(*NodeOf(f, "scratch |> exposePort \"9000-9001/tcp\"")->Find("value") == "9000-9001/tcp");
  CHECK(*NodeOf(f, "scratch |> exposePort \"8080\"")->Find("value") == "8080/tcp");
  for (const char* bad : {"-/udp", "0/tcp", "65536/tcp", "99999-1/tcp", "5-3/tcp", "1-/tcp",
                          "-1/tcp", "1-2-3/tcp", "000000080/tcp"}) {
    EvalFixture g;
    CHECK_FALSE(g.Eval(std::string("scratch |> exposePort \"") + bad + "\""));
    CHECK_THAT(g.FirstError(), Catch::Contains("exposePort: expected PORT[-PORT][/tcp|udp|sctp]"));
  }
}

// A malformed duration passed `strata check` and `graph` and failed only when the build folded
// the config; a negative retries went into the image. Both are errors at the call now.
TEST_CASE("stages: healthcheck checks its durations and retries", "[eval][stages]") {
  for (const char* bad : {"interval = \"abc\";", "timeout = \"-5s\";", "startPeriod = \"\";",
                          "interval = \"5parsecs\";", "retries = -1;"}) {
    EvalFixture f;
    INFO(bad);
    CHECK_FALSE(
        f.Eval(std::string("scratch |> healthcheck { test = [ \"CMD\" \"true\" ]; ") + bad + " }"));
    CHECK_THAT(f.FirstError(), Catch::Contains("healthcheck: "));
  }
  EvalFixture ok;
  CHECK(
      ok.Eval("scratch |> healthcheck { test = [ \"CMD\" \"true\" ]; interval = \"1m30s\"; retries "
              "= 0; }"));
}

// `stopsignal "SIGNOPE"` made an image podman refuses ("invalid signal: SIGNOPE") and docker
// cannot stop; the names and numbers Docker's signal.ParseSignal takes are accepted as written.
TEST_CASE("stages: stopsignal takes what Docker parses as a signal", "[eval][stages]") {
  for (const char* good :
       {"SIGTERM", "TERM", "sigint", "9", "SIGRTMIN+3", "RTMAX-14", "SIGRTMAX"}) {
    EvalFixture f;
    INFO(good);
    const Node* n = NodeOf(f, std::string("scratch |> stopsignal \"") + good + "\"");
    REQUIRE(n);
    CHECK(*n->Find("value") == good);
  }
  for (const char* bad : {"SIGNOPE", "", "0", "SIG", "RTMIN+16", "RTMAX-15", "-1", "TERM "}) {
    EvalFixture f;
    INFO(bad);
    CHECK_FALSE(f.Eval(std::string("scratch |> stopsignal \"") + bad + "\""));
    CHECK_THAT(f.FirstError(), Catch::Contains("stopsignal: "));
  }
}

TEST_CASE("stages: misuse is reported", "[eval][stages]") {
  EvalFixture f;
  CHECK_FALSE(f.Eval("image \"a\" |> runWith { network = true; } \"curl x\""));
  CHECK_THAT(f.FirstError(),
             Catch::Contains("network = true needs the step's output hash: run `strata lock`"));
  EvalFixture g;
  CHECK_FALSE(g.Eval("scratch |> runWith { colour = 1; } \"x\""));
  CHECK_THAT(g.FirstError(), Catch::Contains("unknown option 'colour'"));
  EvalFixture h;
  CHECK_FALSE(h.Eval("fetch { url = \"u\"; sha256 = \"short\"; }"));
  CHECK_THAT(h.FirstError(), Catch::Contains("64 lowercase hex"));
}

TEST_CASE("stages: a path literal is a content-hashed local source", "[eval][stages]") {
  char dir_template[] = "/tmp/strata-eval-test-XXXXXX";
  REQUIRE(mkdtemp(dir_template));
  std::string dir = dir_template;
  std::ofstream(dir + "/main.go") << "package main\n";
  EvalFixture f;
  const Node* local = NodeOf(f, dir + "/main.go");
  REQUIRE(local);
  CHECK(local->op() == Op::kLocal);
  CHECK(*local->Find("name") == "main.go");
  EvalFixture g;
  CHECK_FALSE(g.Eval(dir + "/missing"));
  CHECK_THAT(g.FirstError(), Catch::Contains("cannot read local source"));
  std::remove((dir + "/main.go").c_str());
  rmdir(dir.c_str());
}
