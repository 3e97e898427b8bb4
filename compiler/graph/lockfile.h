// strata.lock: the digests that pin each `image "ref"` of a program, read before evaluation.
//
// The file sits beside the entry build.strata and is JSON with sorted keys:
//   {"debian": {...}, "images": {"busybox:1.36": "sha256:..."}, "version": 1}
// "debian" maps each `debian` request (DebianLockKey) to its resolution: {"release": {"date",
// "sha256"}, "packages": [{"name", "version", "arch", "filename", "size", "sha256"}, ...]}.
// "network" maps each `runWith { network = true; }` step without a sha256 (by NetworkLockKey)
// to {"sha256": "sha256:<diff_id of its output layer>", "step": "FILE:LINE:COL", "command"}.
// Keys are references exactly as the program writes them. The `image` builtin puts the locked
// digest into its pull node, so the node's key (and every key above it) changes with the lock.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace strata::graph {

inline constexpr int kLockfileVersion = 1;
inline constexpr const char* kLockfileName = "strata.lock";

class Lockfile {
 public:
  // Parses the file's text; `path` only names the file in errors.
  static llvm::Expected<Lockfile> Parse(llvm::StringRef text, llvm::StringRef path);
  // Reads `path`; std::nullopt when there is no such file.
  static llvm::Expected<std::optional<Lockfile>> Load(const std::string& path);

  // The locked digest of `ref`, or "" when the lock does not pin it.
  std::string Lookup(llvm::StringRef ref) const;
  void Set(const std::string& ref, const std::string& digest) { images_[ref] = digest; }
  void Erase(const std::string& ref) { images_.erase(ref); }
  const std::map<std::string, std::string>& images() const { return images_; }

  // The locked resolution of a `debian` request, or null.
  nlohmann::json LookupDebian(const std::string& key) const;
  void SetDebian(const std::string& key, nlohmann::json resolution) {
    debian_[key] = std::move(resolution);
  }
  const std::map<std::string, nlohmann::json>& debian() const { return debian_; }

  // The recorded output hash ("sha256:...") of a network step, or "".
  std::string LookupNetwork(const std::string& key) const;
  void SetNetwork(const std::string& key, nlohmann::json entry) {
    network_[key] = std::move(entry);
  }
  void EraseNetwork(const std::string& key) { network_.erase(key); }
  const std::map<std::string, nlohmann::json>& network() const { return network_; }

  // The canonical text: sorted, indented by 2, ending in a newline. Same lock, same bytes.
  std::string Serialize() const;
  // Writes Serialize() to `path` atomically (a temp file in the same directory, fsync, rename).
  llvm::Error Save(const std::string& path) const;

 private:
  std::map<std::string, std::string> images_;
  std::map<std::string, nlohmann::json> debian_;
  std::map<std::string, nlohmann::json> network_;
};

// NetworkLockKey: the lock key of a network step is the hex key of its graph node as made without a
// sha256. It covers everything the step depends on (its base, command, options, mounts), so a step
// whose inputs change is no longer locked and `strata lock` computes its hash again; a step
// whose inputs stay the same but whose output changes fails on the recorded hash.

// The lock key of a `debian` request: "SUITE/ARCH PKG PKG..." with the packages sorted and
// deduplicated, then " -PKG" for each excluded package (sorted), then " @MIRROR" when the
// request names a mirror.
std::string DebianLockKey(const std::string& suite, const std::string& arch,
                          const std::string& mirror, std::vector<std::string> packages,
                          std::vector<std::string> exclude = {});

// How a program's unpinned inputs are treated while it is evaluated.
enum class LockPolicy {
  kUse,      // locked values are used; an unlocked image tag or debian base is resolved at build
  kLocking,  // `strata lock`: a network step without sha256 or lock entry is left unpinned
  kLocked,   // `strata build --locked`: every unpinned input is an error at its call
};

// "sha256:" and 64 lowercase hex digits.
bool IsImageDigest(llvm::StringRef digest);

// The lockfile of an entry file: strata.lock in the entry file's directory.
std::string LockfilePathFor(const std::string& entry_file);

}  // namespace strata::graph
