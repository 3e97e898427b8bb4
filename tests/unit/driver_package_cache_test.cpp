// The workspace package cache: a lookup hits while every input of a package is unchanged and
// misses after any change to one (its file, an imported module or package, a local source, the
// lock, a Dockerfile's .dockerignore); a hit gives the keys a fresh evaluation gives.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "compiler/driver/frontend.h"
#include "compiler/driver/package_cache.h"
#include "compiler/driver/workspace_packages.h"
#include "test_support.h"

namespace strata::driver {
namespace {

using testing::WriteFile;

// A workspace root (`ws`, with its strata.workspace) and a package cache folder beside it.
struct TempWorkspace {
  testing::TempDir dir;
  std::string root = std::filesystem::canonical(dir.path).string() + "/ws";
  std::string cache_dir = dir.path + "/cache";
  explicit TempWorkspace(const std::string& name) : dir(name) {
    WriteFile(root + "/strata.workspace", "");
  }
};

struct Answer {
  std::map<std::string, std::string> keys;  // label → key
  size_t hits = 0;
};

// Loads every package through a fresh Frontend, with the cache in `cache_dir` ("" for none);
// `overlay` gives the frontend a text for a file instead of the file's own.
Answer Load(const std::string& root, const std::string& cache_dir,
            const std::pair<std::string, std::string>& overlay = {}) {
  Frontend frontend;
  if (!overlay.first.empty()) frontend.sources().SetOverlay(overlay.first, overlay.second);
  REQUIRE(frontend.OpenWorkspace(root));
  WorkspacePackages workspace(frontend, root);
  PackageCache cache(cache_dir, root, frontend.hasher());
  workspace.UseCache(&cache);
  bool loaded = workspace.Load(LabelPattern{"", "", true, false});
  std::ostringstream diags;
  frontend.PrintDiagnostics(diags);
  INFO(diags.str());
  REQUIRE(loaded);
  Answer answer;
  for (const auto& [label, target] : workspace.targets()) answer.keys[label] = target.key;
  answer.hits = cache.stats().hits;
  return answer;
}

TEST_CASE("the package cache follows every input of a package", "[workspace]") {
  TempWorkspace ws("package-cache");
  const std::string& root = ws.root;
  const std::string& cache_dir = ws.cache_dir;
  WriteFile(root + "/libs/base/names.strata", "\"one\"\n");
  WriteFile(root + "/libs/base/build.strata",
            "let names = import ./names.strata; in { mk = n: scratch |> label n names; }\n");
  WriteFile(root + "/app/src/a.txt", "a\n");
  WriteFile(
      root + "/app/build.strata",
      "let b = import //libs/base; in { default = b.mk \"app\"; files = scratch |> copy ./src "
      "\"/src\"; }\n");
  WriteFile(root + "/web/docker/Dockerfile", "FROM scratch\nCOPY . /app\n");
  WriteFile(root + "/web/docker/a.txt", "a\n");
  WriteFile(root + "/web/build.strata", "{ web = (dockerfile ./docker/Dockerfile { }).final; }\n");
  WriteFile(root + "/other/build.strata", "{ x = scratch |> label \"x\" \"y\"; }\n");

  Answer fresh = Load(root, "");
  REQUIRE(fresh.keys.size() == 4);
  CHECK(Load(root, cache_dir).hits == 0);
  Answer warm = Load(root, cache_dir);
  CHECK(warm.hits == 4);  // app, libs/base, web, other
  CHECK(warm.keys == fresh.keys);

  // Each change: the cached answer equals a fresh evaluation, and the packages whose inputs
  // did not change still hit.
  auto check = [&](const std::string& what, size_t hits) {
    INFO(what);
    Answer fresh_now = Load(root, "");
    Answer cached = Load(root, cache_dir);
    CHECK(cached.keys == fresh_now.keys);
    CHECK(cached.hits == hits);
    CHECK(Load(root, cache_dir).hits == 4);  // and the rewritten entries hit next time
    return fresh_now.keys;
  };
  std::map<std::string, std::string> before = fresh.keys;
  WriteFile(root + "/app/src/a.txt", "changed\n");
  std::map<std::string, std::string> after = check("a local source", 3);
  CHECK(after["//app:files"] != before["//app:files"]);
  WriteFile(root + "/libs/base/names.strata", "\"two\"\n");
  after = check("a module imported by an imported package", 2);  // libs/base, app
  CHECK(after["//app:default"] != before["//app:default"]);
  WriteFile(root + "/web/docker/.dockerignore", "a.txt\n");
  before = after;
  after = check("a .dockerignore that appears", 3);
  CHECK(after["//web:web"] != before["//web:web"]);
  WriteFile(root + "/web/docker/Dockerfile", "FROM scratch\nCOPY . /srv\n");
  check("a Dockerfile", 3);
  WriteFile(root + "/strata.lock", "{\"images\": {}, \"version\": 1}\n");
  check("strata.lock", 0);
  WriteFile(root + "/other/build.strata", "{ x = scratch |> label \"x\" \"z\"; }\n");
  check("the package file", 3);
}

TEST_CASE("the package cache follows a symlink an import goes through", "[workspace]") {
  // Modules are keyed by canonical path: the entry also records the paths the imports named,
  // so pointing a symlink on the way elsewhere is a change of the package's inputs.
  TempWorkspace ws("package-cache-link");
  const std::string& root = ws.root;
  const std::string& cache_dir = ws.cache_dir;
  WriteFile(root + "/app/v1/names.strata", "\"one\"\n");
  WriteFile(root + "/app/v2/names.strata", "\"two\"\n");
  std::filesystem::create_directory_symlink("v1", root + "/app/lib");
  WriteFile(root + "/app/build.strata",
            "let n = import ./lib/names.strata; in { default = scratch |> label \"n\" n; }\n");
  WriteFile(root + "/other/build.strata", "{ x = scratch |> label \"x\" \"y\"; }\n");

  Answer fresh = Load(root, "");
  REQUIRE(fresh.keys.size() == 2);
  CHECK(Load(root, cache_dir).hits == 0);
  CHECK(Load(root, cache_dir).hits == 2);
  std::filesystem::remove(root + "/app/lib");
  std::filesystem::create_directory_symlink("v2", root + "/app/lib");
  Answer fresh_now = Load(root, "");
  CHECK(fresh_now.keys["//app:default"] != fresh.keys["//app:default"]);
  Answer cached = Load(root, cache_dir);
  CHECK(cached.keys == fresh_now.keys);
  CHECK(cached.hits == 1);  // only //other
}

TEST_CASE("a damaged package cache entry is evaluated again and rewritten", "[workspace]") {
  TempWorkspace ws("package-cache-damaged");
  const std::string& root = ws.root;
  const std::string& cache_dir = ws.cache_dir;
  WriteFile(root + "/a/src/f.txt", "f\n");
  WriteFile(root + "/a/build.strata", "{ x = scratch |> copy ./src/f.txt \"/f\"; }\n");
  WriteFile(root + "/b/build.strata", "{ y = scratch |> label \"b\" \"1\"; }\n");
  Answer fresh = Load(root, "");
  Load(root, cache_dir);
  REQUIRE(Load(root, cache_dir).hits == 2);
  // Every entry cut short (a torn write) or with one byte changed.
  size_t n = 0;
  for (const auto& file : std::filesystem::directory_iterator(cache_dir)) {
    std::string path = file.path().string();
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 40);
    if (n++ % 2 == 0)
      bytes.resize(bytes.size() - 3);
    else
      bytes[bytes.size() / 2] ^= 1;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  }
  REQUIRE(n == 2);
  Answer damaged = Load(root, cache_dir);
  CHECK(damaged.hits == 0);
  CHECK(damaged.keys == fresh.keys);
  Answer again = Load(root, cache_dir);
  CHECK(again.hits == 2);
  CHECK(again.keys == fresh.keys);
}

TEST_CASE("a package evaluated from another text than its file holds is not stored",
          "[workspace]") {
  // A file edited while its package was evaluated: the evaluation parsed the old text (here
  // through the frontend's overlay), the file holds the new one. An entry would pair the new
  // text's hash with the old text's keys, and answer with them from then on.
  TempWorkspace ws("package-cache-edited");
  const std::string& root = ws.root;
  const std::string& cache_dir = ws.cache_dir;
  WriteFile(root + "/a/names.strata", "\"new\"\n");
  WriteFile(root + "/a/build.strata",
            "let n = import ./names.strata; in { x = scratch |> label \"new\" n; }\n");
  for (const std::string& file : {root + "/a/build.strata", root + "/a/names.strata"}) {
    INFO(file);
    std::filesystem::remove_all(cache_dir);
    std::string old_text = testing::ReadFile(file);
    old_text.replace(old_text.find("new"), 3, "old");
    Load(root, cache_dir, {file, old_text});
    Answer fresh = Load(root, "");
    Answer cached = Load(root, cache_dir);
    CHECK(cached.hits == 0);
    CHECK(cached.keys == fresh.keys);
    CHECK(Load(root, cache_dir).hits == 1);
  }
}

TEST_CASE("package cache entries are named by the package's quick inputs", "[workspace]") {
  testing::TempDir dir("package-cache-slot");
  std::string root = std::filesystem::canonical(dir.path).string();
  WriteFile(root + "/strata.workspace", "");
  WriteFile(root + "/a/build.strata", "{ x = scratch; }\n");
  WriteFile(root + "/b/build.strata", "{ x = scratch; }\n");
  WriteFile(root + "/a/other.txt", "1\n");
  auto slot = [&](const std::string& package) {
    graph::LocalSourceHasher hasher;
    PackageCache cache(dir.path + "/cache", root, hasher);  // a fresh one: no memo
    return cache.SlotName(package);
  };
  std::optional<std::string> a = slot("a");
  REQUIRE(a);
  CHECK(a->size() == 32);
  CHECK(slot("a") == a);
  CHECK(slot("b") != a);  // the same bytes in another package
  CHECK(!slot("missing"));
  WriteFile(root + "/a/other.txt", "2\n");
  CHECK(slot("a") == a);  // not a quick input: checked inside the entry
  WriteFile(root + "/strata.lock", "{\"images\": {}, \"version\": 1}\n");
  CHECK(slot("a") != a);
  std::optional<std::string> locked = slot("a");
  WriteFile(root + "/a/build.strata", "{ x = scratch; y = scratch; }\n");
  CHECK(slot("a") != locked);
}

}  // namespace
}  // namespace strata::driver
