// Which nodes' outputs may be shared through a remote cache: those whose output is fixed by
// their derivation key, i.e. nothing in their inputs is unpinned.
#pragma once

#include <string>
#include <unordered_map>

#include "compiler/graph/node.h"

namespace strata::schedule {

// A node is unshareable when it, or any node it depends on, is:
//   - a pull without a digest (an image tag strata.lock does not pin),
//   - a fetch without a sha256,
//   - a debian base without a locked resolution,
//   - an exec with network access and no output hash (only `strata lock` runs those),
//   - an exec that mounts a secret (its output may hold what the secret let it fetch, and the
//     secret's contents are in no key).
// Everything else is a function of its key (local sources are keyed by their content).
// Not thread-safe; memoised per node.
class SharedNodes {
 public:
  bool Shareable(const graph::Node& node);
  // Why the node is not shareable ("" when it is): the first unpinned node found, described.
  const std::string& Why(const graph::Node& node);

 private:
  std::unordered_map<const graph::Node*, std::string> why_;
};

}  // namespace strata::schedule
