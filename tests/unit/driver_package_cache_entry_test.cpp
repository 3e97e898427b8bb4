// The package cache's binary entry: what Encode writes Decode gives back, and a torn, damaged
// or foreign entry decodes to nothing (so the package is evaluated and the entry rewritten).
#include <catch2/catch.hpp>

#include "compiler/driver/package_cache_entry.h"

namespace strata::driver {
namespace {

PackageCacheEntry Sample() {
  PackageCacheEntry entry;
  entry.package = "pkgs/p7";
  entry.files = {{"pkgs/p7/build.strata", std::string(32, 'a')},
                 {"pkgs/p7/docker/.dockerignore", std::nullopt},
                 {"/outside/module.strata", std::string(32, 'b')}};
  PackageCacheEntry::Local local;
  local.path = "pkgs/p7/src";
  local.exclude = {"*.log", "!keep.log"};
  local.exclude_base = "src";
  local.keep_modes = true;
  local.digest = std::string(32, 'c');
  entry.locals = {local, PackageCacheEntry::Local{"pkgs/p7/src/f1.txt", {}, "", false, "d"}};
  entry.targets = {{"t0", std::string(32, 'e')}, {"services.api", std::string(32, 'f')}};
  entry.imports = {"libs/lib7", "pkgs/p6"};
  entry.stages = {
      {std::string(32, 'e'), {1, 2}}, {std::string(32, 'f'), {2}}, {std::string(32, '0'), {}}};
  return entry;
}

bool Same(const PackageCacheEntry& a, const PackageCacheEntry& b) {
  if (a.package != b.package || a.targets != b.targets || a.imports != b.imports ||
      a.stages != b.stages || a.files.size() != b.files.size() ||
      a.locals.size() != b.locals.size())
    return false;
  for (size_t i = 0; i < a.files.size(); ++i)
    if (a.files[i].path != b.files[i].path || a.files[i].hash != b.files[i].hash) return false;
  for (size_t i = 0; i < a.locals.size(); ++i) {
    const auto &x = a.locals[i], &y = b.locals[i];
    if (x.path != y.path || x.exclude != y.exclude || x.exclude_base != y.exclude_base ||
        x.keep_modes != y.keep_modes || x.digest != y.digest)
      return false;
  }
  return true;
}

TEST_CASE("a package cache entry decodes to what was encoded", "[workspace]") {
  PackageCacheEntry entry = Sample();
  std::optional<PackageCacheEntry> back = PackageCacheEntry::Decode(entry.Encode());
  REQUIRE(back);
  CHECK(Same(*back, entry));
  CHECK(back->files[1].hash == std::nullopt);  // an absent file stays absent
  std::optional<PackageCacheEntry> empty = PackageCacheEntry::Decode(PackageCacheEntry{}.Encode());
  REQUIRE(empty);
  CHECK(empty->files.empty());
  CHECK(empty->targets.empty());
}

TEST_CASE("a torn, damaged or foreign package cache entry decodes to nothing", "[workspace]") {
  std::string bytes = Sample().Encode();
  for (size_t size = 0; size < bytes.size(); ++size) {
    INFO("torn at " << size);
    CHECK(!PackageCacheEntry::Decode(bytes.substr(0, size)));
  }
  for (size_t at = 0; at < bytes.size(); ++at) {
    INFO("byte " << at << " changed");
    std::string damaged = bytes;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x20);
    CHECK(!PackageCacheEntry::Decode(damaged));
  }
  CHECK(!PackageCacheEntry::Decode(bytes + "x"));
  // A stage input index out of range, with a valid checksum (a writer's bug, not damage).
  PackageCacheEntry bad = Sample();
  bad.stages[1].inputs = {3};
  CHECK(!PackageCacheEntry::Decode(bad.Encode()));
  // The JSON entries of strata-package-cache-v1.
  CHECK(!PackageCacheEntry::Decode(
      R"({"format":"strata-package-cache-v1","package":"a","files":[],"locals":[],"targets":[],"imports":[]})"));
}

}  // namespace
}  // namespace strata::driver
