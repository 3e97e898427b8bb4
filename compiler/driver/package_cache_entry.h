// One package-cache entry's bytes: a length-prefixed binary record with a checksum, read
// without a JSON parse (a warm workspace command reads 1,000 of them, or 1,900 for affected).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/driver/stage_graph.h"

namespace strata::driver {

struct PackageCacheEntry {
  struct File {
    std::string path;                 // relative to the root, or absolute outside it
    std::optional<std::string> hash;  // content hash; nullopt: absent, and must stay so
  };
  struct Local {
    std::string path;  // as File::path
    std::vector<std::string> exclude;
    std::string exclude_base;
    bool keep_modes = false;
    std::string digest;
  };
  std::string package;
  std::vector<File> files;
  std::vector<Local> locals;
  std::vector<std::pair<std::string, std::string>> targets;  // dotted name → key hex
  std::vector<std::string> imports;
  // The stage nodes the targets reach, with their stage inputs (StageGraphOf): `strata query`
  // answers from these.
  std::vector<StageNode> stages;

  // The entry's bytes: a format line, the fields (u32 counts and lengths, little-endian),
  // and an XXH3-64 of everything before it.
  std::string Encode() const;
  // The entry `bytes` hold; nullopt for another format, a torn or a damaged entry.
  static std::optional<PackageCacheEntry> Decode(std::string_view bytes);
};

}  // namespace strata::driver
