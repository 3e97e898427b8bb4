// The evaluation cache: a program's graph comes from the cache only while every input of its
// evaluation is unchanged (the program file, an imported module, a local source's content and
// mode, --arg, the target, strata.lock), the cached graph equals a fresh evaluation's byte for
// byte, and a damaged entry is never trusted.
#include <sys/stat.h>
#include <xxhash.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/driver/frontend.h"
#include "compiler/driver/graph_cache.h"
#include "compiler/graph/print.h"
#include "test_support.h"

namespace strata::driver {
namespace {

using testing::WriteFile;

struct Answer {
  bool ok = false;
  bool hit = false;  // answered by the cache: nothing was loaded
  std::string json;
  std::string diags;
};

// `strata graph --format json` of `file` through a fresh Frontend with the cache in `cache_dir`
// ("" for none).
Answer Graph(const std::string& file, const std::string& cache_dir,
             const std::vector<std::string>& args = {},
             const std::vector<std::string>& target = {"default"}) {
  Frontend frontend;
  GraphCache cache(cache_dir, frontend.hasher());
  std::vector<const graph::Node*> nodes;
  Answer answer;
  answer.ok =
      RunTargetsCached(frontend, cache, graph::LockPolicy::kUse, {file, args}, target, nodes);
  answer.hit = answer.ok && frontend.entry_path().empty();
  std::ostringstream json, diags;
  graph::PrintJson(json, nodes);
  frontend.PrintDiagnostics(diags);
  answer.json = json.str();
  answer.diags = diags.str();
  return answer;
}

// The one entry file in `dir`.
std::string OnlyEntry(const std::string& dir) {
  std::vector<std::string> entries;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    entries.push_back(entry.path().string());
  REQUIRE(entries.size() == 1);
  return entries[0];
}

struct Program {
  testing::TempDir dir{"graph-cache"};
  std::string root = std::filesystem::canonical(dir.path).string() + "/p";
  std::string file = root + "/build.strata";
  std::string cache = dir.path + "/cache";
  Program() {
    std::filesystem::create_directories(cache);
    WriteFile(root + "/names.strata", "{ app = \"app\"; }\n");
    WriteFile(root + "/src/a.txt", "a\n");
    WriteFile(root + "/build.strata",
              "{ version ? \"dev\" }:\n"
              "let names = import ./names.strata; in {\n"
              "  default = image \"busybox:1.36\" |> copy ./src \"/src\"\n"
              "    |> run \"make ${names.app} ${version}\";\n"
              "  other = scratch |> label \"x\" version;\n"
              "}\n");
  }
  // Graph with the cache equals graph without; returns whether the cache answered.
  bool SameAsFresh(const std::vector<std::string>& args = {},
                   const std::vector<std::string>& target = {"default"}) {
    Answer fresh = Graph(file, "", args, target);
    INFO(fresh.diags);
    REQUIRE(fresh.ok);
    Answer cached = Graph(file, cache, args, target);
    INFO(cached.diags);
    REQUIRE(cached.ok);
    CHECK(cached.json == fresh.json);
    return cached.hit;
  }
};

// Follows a program through changes: after each, the next run evaluates (its answer equals a
// fresh one, which differs from the answer before the change) and the run after it hits the
// rewritten entry.
struct ChangeCheck {
  Program& p;
  std::string before = Graph(p.file, "").json;
  void Changed(const std::string& what) {
    INFO(what);
    std::string now = Graph(p.file, "").json;
    CHECK(now != before);
    CHECK_FALSE(p.SameAsFresh());
    CHECK(p.SameAsFresh());
    before = now;
  }
};

TEST_CASE("the evaluation cache answers an unchanged program exactly", "[graph-cache]") {
  Program p;
  CHECK_FALSE(p.SameAsFresh());  // the first run evaluates and stores
  CHECK(p.SameAsFresh());        // the second is answered from the cache
  Answer hit = Graph(p.file, p.cache);
  CHECK(hit.hit);
  CHECK(hit.json.find("\"op\": \"exec\"") != std::string::npos);
}

TEST_CASE("the evaluation cache follows every input of the evaluation", "[graph-cache]") {
  Program p;
  REQUIRE_FALSE(p.SameAsFresh());
  REQUIRE(p.SameAsFresh());
  ChangeCheck check{p};
  auto changed = [&](const std::string& what) { check.Changed(what); };
  WriteFile(p.file, "{ version ? \"dev\" }: { default = scratch |> label \"v\" version; }\n");
  changed("the program file");
  WriteFile(p.file,
            "{ version ? \"dev\" }:\n"
            "let names = import ./names.strata; in {\n"
            "  default = image \"busybox:1.36\" |> copy ./src \"/src\"\n"
            "    |> run \"make ${names.app} ${version}\";\n"
            "}\n");
  changed("the program file again");
  WriteFile(p.root + "/names.strata", "{ app = \"web\"; }\n");
  changed("an imported module");
  WriteFile(p.root + "/src/a.txt", "b\n");
  changed("a local source file's content");
  REQUIRE(::chmod((p.root + "/src/a.txt").c_str(), 0755) == 0);
  changed("a local source file's mode");
  WriteFile(p.root + "/src/new.txt", "new\n");
  changed("a file added to a local source");
  WriteFile(
      p.root + "/strata.lock",
      "{\"images\": {\"busybox:1.36\": \"sha256:"
      "1111111111111111111111111111111111111111111111111111111111111111\"}, \"version\": 1}\n");
  changed("strata.lock appears");
  WriteFile(
      p.root + "/strata.lock",
      "{\"images\": {\"busybox:1.36\": \"sha256:"
      "2222222222222222222222222222222222222222222222222222222222222222\"}, \"version\": 1}\n");
  changed("strata.lock changes");
  std::filesystem::remove(p.root + "/strata.lock");
  changed("strata.lock goes away");

  // --arg and the target name entries of their own: each answer equals a fresh one.
  CHECK_FALSE(p.SameAsFresh({"version=1.2"}));
  CHECK(p.SameAsFresh({"version=1.2"}));
  CHECK(Graph(p.file, p.cache, {"version=1.2"}).json != Graph(p.file, p.cache).json);
  CHECK(p.SameAsFresh());
}

TEST_CASE("the evaluation cache follows a symlink an import goes through", "[graph-cache]") {
  // The module loader keys modules by canonical path: the entry must also record the paths the
  // imports named, or pointing a symlink elsewhere would leave the old module's graph answering.
  Program p;
  WriteFile(p.root + "/v1/names.strata", "{ app = \"one\"; }\n");
  WriteFile(p.root + "/v2/names.strata", "{ app = \"two\"; }\n");
  WriteFile(p.root + "/n1.strata", "{ app = \"n1\"; }\n");
  WriteFile(p.root + "/n2.strata", "{ app = \"n2\"; }\n");
  namespace fs = std::filesystem;
  fs::create_directory_symlink("v1", p.root + "/lib");
  fs::create_symlink("n1.strata", p.root + "/names-link.strata");
  WriteFile(
      p.file,
      "let a = import ./lib/names.strata; b = import ./names-link.strata;\n"
      "  c = import ./n1.strata; in\n"
      "{ default = scratch |> label \"a\" a.app |> label \"b\" b.app |> label \"c\" c.app; }\n");
  REQUIRE_FALSE(p.SameAsFresh());
  REQUIRE(p.SameAsFresh());
  ChangeCheck check{p};
  auto changed = [&](const std::string& what) { check.Changed(what); };
  // A folder symlink on the way to a module, pointed at another folder.
  fs::remove(p.root + "/lib");
  fs::create_directory_symlink("v2", p.root + "/lib");
  changed("a folder symlink on an import's path");
  // A module reached both directly and through a symlink (loaded once): the link pointed away.
  fs::remove(p.root + "/names-link.strata");
  fs::create_symlink("n2.strata", p.root + "/names-link.strata");
  changed("a symlinked module also imported by its own path");
}

TEST_CASE("a local source no target holds keeps the answer out of the cache", "[graph-cache]") {
  Program p;
  // `extra` is hashed when `default` is evaluated (the comparison forces it), yet no node of
  // `default` holds it: the cache could not check it, so the answer is never stored.
  WriteFile(p.root + "/extra/e.txt", "e\n");
  WriteFile(p.file,
            "let extra = ./extra; in { default = if extra == extra then scratch else scratch; }\n");
  CHECK_FALSE(p.SameAsFresh());
  CHECK_FALSE(p.SameAsFresh());
  CHECK(std::filesystem::is_empty(p.cache));
  std::filesystem::remove_all(p.root + "/extra");
  Answer cached = Graph(p.file, p.cache);
  Answer fresh = Graph(p.file, "");
  CHECK_FALSE(fresh.ok);   // the source is gone: a fresh evaluation fails ...
  CHECK_FALSE(cached.ok);  // ... and so does the one with the cache, with the same message
  CHECK(cached.diags == fresh.diags);
}

TEST_CASE("an evaluation of another text than the file holds is not stored", "[graph-cache]") {
  // A module edited while the evaluation ran: the evaluation parsed the old text, the file
  // now holds the new one. (Here the frontend's overlay gives it the old text.) An entry would
  // pair the new text's hash with the old text's graph, and answer with it from then on.
  Program p;
  const std::pair<std::string, std::string> edits[] = {{p.file, "make "},
                                                       {p.root + "/names.strata", "\"app\""}};
  for (const auto& [file, text] : edits) {
    INFO(file);
    std::filesystem::remove_all(p.cache);
    std::filesystem::create_directories(p.cache);
    std::string parsed = testing::ReadFile(file);
    parsed.replace(parsed.find(text), text.size(), text == "make " ? "build " : "\"old\"");
    {
      Frontend frontend;
      frontend.sources().SetOverlay(file, parsed);
      GraphCache cache(p.cache, frontend.hasher());
      std::vector<const graph::Node*> nodes;
      REQUIRE(RunTargetsCached(frontend, cache, graph::LockPolicy::kUse, {p.file, {}}, {"default"},
                               nodes));
    }
    CHECK_FALSE(p.SameAsFresh());  // evaluated: nothing was stored for the old text
    CHECK(p.SameAsFresh());
  }
}

TEST_CASE("a damaged evaluation cache entry is never trusted", "[graph-cache]") {
  Program p;
  REQUIRE_FALSE(p.SameAsFresh());
  REQUIRE(p.SameAsFresh());
  std::string entry = OnlyEntry(p.cache);
  std::string good = testing::ReadFile(entry);
  auto damaged = [&](const std::string& what, const std::string& bytes) {
    INFO(what);
    std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes;
    CHECK_FALSE(p.SameAsFresh());  // evaluated afresh, and the entry rewritten
    CHECK(p.SameAsFresh());
  };
  damaged("empty", "");
  damaged("truncated header", good.substr(0, 20));
  damaged("truncated payload", good.substr(0, good.size() - 7));
  damaged("one byte more", good + "x");
  for (size_t at : {size_t{3}, size_t{20}, size_t{36}, good.size() / 2, good.size() - 1}) {
    std::string flipped = good;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x20);
    damaged("a flipped byte at " + std::to_string(at), flipped);
  }
}

// An entry whose header and checksum are right but whose recorded key of a node is not the
// key that node has now (another encoding, or a bug in the writer): the lookup rebuilds every
// node and compares, so it is a miss.
TEST_CASE("an entry whose recorded node key differs from the recomputed one is a miss",
          "[graph-cache]") {
  Program p;
  REQUIRE_FALSE(p.SameAsFresh());
  REQUIRE(p.SameAsFresh());
  std::string entry = OnlyEntry(p.cache);
  std::string bytes = testing::ReadFile(entry);
  // The root's key as the entry records it: high then low, each little-endian.
  Frontend frontend;
  std::vector<const graph::Node*> nodes;
  GraphCache none("", frontend.hasher());
  REQUIRE(
      RunTargetsCached(frontend, none, graph::LockPolicy::kUse, {p.file, {}}, {"default"}, nodes));
  REQUIRE(nodes.size() == 1);
  std::string key;
  for (uint64_t half : {nodes[0]->key().high, nodes[0]->key().low})
    for (int i = 0; i < 8; ++i) key.push_back(static_cast<char>(half >> (8 * i)));
  size_t at = bytes.find(key);
  REQUIRE(at != std::string::npos);
  bytes[at + 15] = static_cast<char>(bytes[at + 15] ^ 1);
  // The header's check again (graph_cache.cpp): XXH3-64 of its three fields and the payload's
  // XXH3-64, so that only the key check can tell.
  constexpr size_t kFields = 16, kHeader = 16 + 32;
  uint64_t payload_digest = XXH3_64bits(bytes.data() + kHeader, bytes.size() - kHeader);
  char checked[32];
  std::memcpy(checked, bytes.data() + kFields, 24);
  std::memcpy(checked + 24, &payload_digest, 8);
  uint64_t check = XXH3_64bits(checked, sizeof checked);
  for (int i = 0; i < 8; ++i) bytes[kFields + 24 + i] = static_cast<char>(check >> (8 * i));
  std::ofstream(entry, std::ios::binary | std::ios::trunc) << bytes;
  CHECK_FALSE(p.SameAsFresh());  // evaluated afresh, and the entry rewritten
  CHECK(p.SameAsFresh());
}

}  // namespace
}  // namespace strata::driver
