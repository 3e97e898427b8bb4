// The warm no-op of a label build: STORE/package-cache/built-<32 hex> remembers, per target
// derivation key and image options, the image a build made of it, so that `strata build //...`
// with nothing changed prints every digest from the package cache and this index, without
// evaluating a package or planning a node.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/cli/build_target.h"

namespace strata::cli {

// Remembers the image a label build made of the target whose derivation key is `node_key`
// (after its root record is written), with the compressed-layer memo keys its layers came from
// (the no-op's root names them, as the build's did); a failure to write only costs the next
// no-op.
void RememberBuiltImage(const BuildFlags& flags, const std::string& node_key,
                        const std::string& record_key, const std::string& manifest_digest,
                        const std::string& config_digest, const std::vector<std::string>& memos);

// For a label build that only prints digests: when every target's key comes from the package
// cache or a quick evaluation and its image is remembered with all its blobs in the store,
// writes their root records (so gc keeps them and their compressed-layer memos, as after a
// build; the same roots as the build's, so its roots file is renewed), prints `DIGEST LABEL` for
// each and returns the exit code; nullopt when the full build has to run.
std::optional<int> TryWarmNoOp(const BuildFlags& flags);

}  // namespace strata::cli
