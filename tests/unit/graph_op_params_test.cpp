// Decode* of op_params.h: Make* then Decode* gives back what was made, for every op, and a
// malformed param set is an error naming the node and the param.
#include <catch2/catch.hpp>

#include "compiler/graph/op_params.h"

namespace strata::graph {
namespace {

template <typename T>
T Ok(llvm::Expected<T> value) {
  if (!value) FAIL(llvm::toString(value.takeError()));
  return std::move(*value);
}

template <typename T>
std::string ErrorOf(llvm::Expected<T> value) {
  if (value) return "";
  return llvm::toString(value.takeError());
}

TEST_CASE("op params: scratch, pull, load, fetch, select, minimal, text round-trip",
          "[graph][op_params]") {
  Graph graph;
  const Node* scratch = MakeScratch(graph);
  Ok(DecodeScratch(*scratch));

  PullParams unlocked = Ok(DecodePull(*MakePull(graph, "golang:1.22-alpine", "")));
  CHECK(unlocked.ref == "golang:1.22-alpine");
  CHECK(unlocked.digest.empty());
  PullParams locked = Ok(DecodePull(*MakePull(graph, "alpine:3.19", "sha256:abc")));
  CHECK(locked.ref == "alpine:3.19");
  CHECK(locked.digest == "sha256:abc");

  const Node* archive = MakeFetch(graph, "https://example.com/a.tar", "sha256:0123");
  FetchParams fetch = Ok(DecodeFetch(*archive));
  CHECK(fetch.url == "https://example.com/a.tar");
  CHECK(fetch.sha256 == "sha256:0123");
  CHECK(Ok(DecodeLoad(*MakeLoad(graph, archive))).tag.empty());
  CHECK(Ok(DecodeLoad(*MakeLoad(graph, archive, "app:1"))).tag == "app:1");

  CHECK(Ok(DecodeSelect(*MakeSelect(graph, scratch, "/out/server"))).path == "/out/server");
  CHECK(Ok(DecodeMinimal(*MakeMinimal(graph, scratch, {"/bin/sh", "/bin/ls"}))).executables ==
        std::vector<std::string>{"/bin/sh", "/bin/ls"});
  TextParams text = Ok(DecodeText(*MakeText(graph, "config.txt", "hello\n")));
  CHECK(text.name == "config.txt");
  CHECK(text.content == "hello\n");
}

TEST_CASE("op params: local round-trips every overload", "[graph][op_params]") {
  Graph graph;
  LocalParams plain = Ok(DecodeLocal(*MakeLocal(graph, "/home/u/src", "src", "d1")));
  CHECK(plain.path == "/home/u/src");
  CHECK(plain.name == "src");
  CHECK(plain.digest == "d1");
  CHECK(plain.exclude.empty());
  CHECK(!plain.keep_modes);

  LocalParams filtered = Ok(DecodeLocal(
      *MakeLocal(graph, "/ctx/web", "web", "d2", {"*.log", "!keep.log"}, "web", {}, true)));
  CHECK(filtered.exclude == std::vector<std::string>{"*.log", "!keep.log"});
  CHECK(filtered.exclude_base == "web");
  CHECK(filtered.keep_modes);
}

TEST_CASE("op params: exec round-trips shell, argv and every option", "[graph][op_params]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);
  const Node* artifact = MakeText(graph, "a", "x");
  ExecOptions options;
  options.cache = {"/root/.cache"};
  options.caches = {{"/c", "shared", 1001, 1002, 0700}, {"/d", "", 0, 0, 0750}};
  options.secrets = {{"tok", "", true}, {"npmrc", "/root/.npmrc", false}};
  options.mounts = {{artifact, "/mnt/a", true}};
  options.tmpfs = {"/tmp"};
  options.network = true;
  options.output_sha256 = "sha256:feed";
  options.output_sha256_locked = true;
  options.env = {"A=1"};
  ExecParams exec = Ok(DecodeExec(*MakeExecShell(graph, stage, "make all", options)));
  REQUIRE(exec.shell);
  CHECK(*exec.shell == "make all");
  CHECK(exec.argv.empty());
  CHECK(exec.CommandText() == "make all");
  CHECK(exec.cache == options.cache);
  REQUIRE(exec.caches.size() == 2);
  CHECK(exec.caches[0].target == "/c");
  CHECK(exec.caches[0].id == "shared");
  CHECK(exec.caches[0].uid == 1001);
  CHECK(exec.caches[0].gid == 1002);
  CHECK(exec.caches[0].mode == 0700);
  CHECK(exec.caches[1].id == "/d");  // the target when not given
  CHECK(exec.caches[1].mode == 0750);
  CHECK(exec.mount_writable == std::vector<bool>{true});
  REQUIRE(exec.secrets.size() == 2);
  CHECK(exec.secrets[0].id == "tok");
  CHECK(exec.secrets[0].target == "/run/secrets/tok");  // the default is written out
  CHECK(exec.secrets[0].required);
  CHECK(exec.secrets[1].target == "/root/.npmrc");
  CHECK(!exec.secrets[1].required);
  CHECK(exec.mount_targets == std::vector<std::string>{"/mnt/a"});
  CHECK(exec.tmpfs == options.tmpfs);
  CHECK(exec.network);
  CHECK(exec.output_sha256 == "sha256:feed");
  CHECK(exec.output_sha256_locked);
  CHECK(exec.env == options.env);

  ExecParams argv = Ok(DecodeExec(*MakeExecArgv(graph, stage, {"echo", "hi"}, {})));
  CHECK(!argv.shell);
  CHECK(argv.argv == std::vector<std::string>{"echo", "hi"});
  CHECK(argv.CommandText() == R"(["echo","hi"])");
  CHECK(!argv.network);
  CHECK(argv.secrets.empty());
}

TEST_CASE("op params: a cache's defaults and a read-only mount are left out of the key",
          "[graph][op_params]") {
  // One cache, one spelling: an id equal to the target and the default owner and mode are not
  // written, and a read-only mount has no `rw`, so the keys made before these options existed
  // stay the same. Writing any default out fails this.
  Graph graph;
  const Node* stage = MakeScratch(graph);
  const Node* artifact = MakeText(graph, "a", "x");
  ExecOptions defaults;
  defaults.caches = {{"/c", "/c", 0, 0, 0755}};
  defaults.mounts = {{artifact, "/m", false}};
  const Node* node = MakeExecShell(graph, stage, "make", defaults);
  CHECK(node->Find("caches") == nullptr);
  CHECK(node->Find("cache")->dump() == R"(["/c"])");
  ExecOptions plain;
  plain.cache = {"/c"};
  plain.mounts = {{artifact, "/m"}};
  CHECK(MakeExecShell(graph, stage, "make", plain) == node);
  CHECK(node->Find("mounts")->dump() == R"([{"target":"/m"}])");
  ExecOptions set;
  set.caches = {{"/c", "x", 1, 2, 0700}};
  set.mounts = {{artifact, "/m", true}};
  const Node* other = MakeExecShell(graph, stage, "make", set);
  CHECK(other->Find("caches")->dump() ==
        R"([{"gid":2,"id":"x","mode":448,"target":"/c","uid":1}])");
  CHECK(other->Find("mounts")->dump() == R"([{"rw":true,"target":"/m"}])");
}

TEST_CASE("op params: copy, config and debian round-trip", "[graph][op_params]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);
  CopyOptions options{"1000:1000", "0755", true, {"*.md"}, true};
  CopyParams copy =
      Ok(DecodeCopy(*MakeCopy(graph, stage, MakeText(graph, "a", "x"), "/app/", options)));
  CHECK(copy.dest == "/app/");
  CHECK(copy.options.chown == "1000:1000");
  CHECK(copy.options.chmod == "0755");
  CHECK(copy.options.link);
  CHECK(copy.options.exclude == std::vector<std::string>{"*.md"});
  CHECK(copy.options.extract);
  CopyParams plain = Ok(DecodeCopy(*MakeCopy(graph, stage, MakeText(graph, "a", "x"), "/", {})));
  CHECK(!plain.options.link);
  CHECK(plain.options.chown.empty());

  ConfigParams env =
      Ok(DecodeConfig(*MakeConfig(graph, stage, "env", nlohmann::json::array({"A", "1"}))));
  CHECK(env.field == "env");
  CHECK(env.value == nlohmann::json::array({"A", "1"}));

  DebianRequest request;
  request.packages = {"bash", "curl=7.88"};
  request.mirror = "http://deb.example/debian";
  request.exclude = {"perl"};
  request.lock = {{"release", {{"date", "d"}, {"sha256", "s"}}},
                  {"packages", nlohmann::json::array()}};
  DebianParams debian = Ok(DecodeDebian(*MakeDebian(graph, request)));
  CHECK(debian.request.suite == "bookworm");
  CHECK(debian.request.arch == "amd64");
  CHECK(debian.request.packages == request.packages);
  CHECK(debian.request.mirror == request.mirror);
  CHECK(debian.request.exclude == request.exclude);
  CHECK(debian.request.lock == request.lock);
  CHECK(!debian.rootfs.empty());
  CHECK(Ok(DecodeDebian(*MakeDebian(graph, DebianRequest{}))).request.lock.is_null());
}

TEST_CASE("op params: a malformed node is an error naming the node and the param",
          "[graph][op_params]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);

  const Node* no_dest = graph.Get(Op::kCopy, {}, {stage, stage});
  std::string error = ErrorOf(DecodeCopy(*no_dest));
  CHECK(error.find("copy node " + no_dest->key().Hex()) != std::string::npos);
  CHECK(error.find("'dest' is missing") != std::string::npos);

  const Node* number_ref = graph.Get(Op::kPull, {{"ref", 7}}, {});
  CHECK(ErrorOf(DecodePull(*number_ref)).find("'ref' must be a string, not number") !=
        std::string::npos);

  CHECK(ErrorOf(DecodeExec(*graph.Get(Op::kExec, {}, {stage}))).find("exactly one of") !=
        std::string::npos);
  CHECK(ErrorOf(DecodeExec(*graph.Get(Op::kExec, {{"shell", "a"}, {"argv", {"b"}}}, {stage})))
            .find("exactly one of") != std::string::npos);
  CHECK(ErrorOf(DecodeExec(*graph.Get(Op::kExec, {{"shell", "a"}, {"network", "yes"}}, {stage})))
            .find("'network' must be a boolean") != std::string::npos);
  CHECK(ErrorOf(DecodeExec(*graph.Get(Op::kExec, {{"shell", "a"}, {"cache", {"/c", 3}}}, {stage})))
            .find("'cache' must be a list of strings") != std::string::npos);
  CHECK(ErrorOf(DecodeExec(*graph.Get(Op::kExec, {{"shell", "a"}, {"mounts", {{{"target", "/m"}}}}},
                                      {stage})))
            .find("'mounts' does not match") != std::string::npos);
  CHECK(ErrorOf(DecodeDebian(*graph.Get(Op::kDebian,
                                        {{"suite", "bookworm"},
                                         {"arch", "amd64"},
                                         {"packages", {"a"}},
                                         {"rootfs", "r"},
                                         {"lock", "x"}},
                                        {})))
            .find("'lock' must be an object") != std::string::npos);
  CHECK(ErrorOf(DecodeLocal(*graph.Get(
                    Op::kLocal,
                    {{"name", "n"}, {"digest", "d"}, {"path", "/p"}, {"modes", "strip"}}, {})))
            .find("'modes' must be \"keep\"") != std::string::npos);
  // The wrong op for the decoder.
  CHECK(ErrorOf(DecodeText(*stage)).find("is not a text node") != std::string::npos);
}

TEST_CASE("op params: secrets are validated in one place", "[graph][op_params]") {
  CHECK(SecretMountProblem({"tok", "/run/secrets/tok", true}).empty());
  CHECK(SecretMountProblem({"tok", "", true}).empty());
  CHECK(SecretMountProblem({"", "/x", true}).find("non-empty id") != std::string::npos);
  CHECK(SecretMountProblem({"a,b", "/x", true}).find("cannot hold") != std::string::npos);
  CHECK(SecretMountProblem({"a", "rel/x", true}).find("absolute") != std::string::npos);

  Graph graph;
  const Node* bad =
      graph.Get(Op::kExec, {{"shell", "a"}, {"secrets", {{{"id", "a=b"}, {"target", "/t"}}}}},
                {MakeScratch(graph)});
  CHECK(ErrorOf(DecodeExec(*bad)).find("'secrets' a secret id cannot hold") != std::string::npos);
}

TEST_CASE("op params: pinning a network step gives the node the lock makes", "[graph][op_params]") {
  Graph graph;
  const Node* stage = MakeScratch(graph);
  ExecOptions options;
  options.network = true;
  const Node* unpinned = MakeExecShell(graph, stage, "fetch deps", options);
  options.output_sha256 = "sha256:beef";
  options.output_sha256_locked = true;
  const Node* pinned = MakeExecShell(graph, stage, "fetch deps", options);
  CHECK(PinNetworkOutput(graph, unpinned, "sha256:beef") == pinned);
  CHECK(PinNetworkOutput(graph, pinned, "sha256:beef") == pinned);
}

}  // namespace
}  // namespace strata::graph
