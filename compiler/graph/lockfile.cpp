// strata.lock: parsing, canonical printing and atomic saving.
#include "compiler/graph/lockfile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "compiler/support/atomic_file.h"
#include "compiler/support/errno_error.h"

namespace strata::graph {
namespace {

llvm::Error Fail(llvm::StringRef path, const llvm::Twine& message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s: %s", path.str().c_str(),
                                 message.str().c_str());
}

}  // namespace

bool IsImageDigest(llvm::StringRef digest) {
  if (!digest.consume_front("sha256:") || digest.size() != 64) return false;
  for (char c : digest)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string LockfilePathFor(const std::string& entry_file) {
  size_t slash = entry_file.rfind('/');
  if (slash == std::string::npos) return kLockfileName;
  return entry_file.substr(0, slash + 1) + kLockfileName;
}

llvm::Expected<Lockfile> Lockfile::Parse(llvm::StringRef text, llvm::StringRef path) {
  nlohmann::json json =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded())
    return Fail(path, "not valid JSON; delete it and run `strata lock` to write it again");
  if (!json.is_object())
    return Fail(path, "expected a JSON object {\"version\": 1, \"images\": {...}}");
  auto version = json.find("version");
  if (version == json.end() || !version->is_number_integer())
    return Fail(path, "missing \"version\" (this Strata writes version 1)");
  if (*version != kLockfileVersion)
    return Fail(path,
                "version " + version->dump() + " is not supported (this Strata reads version 1)");
  Lockfile lock;
  if (auto debian = json.find("debian"); debian != json.end()) {
    if (!debian->is_object())
      return Fail(path, "\"debian\" must be an object of request: resolution");
    for (auto& [key, resolution] : debian->items()) {
      auto packages = resolution.find("packages");
      if (!resolution.is_object() || packages == resolution.end() || !packages->is_array())
        return Fail(path, "the debian entry '" + key + "' must hold a \"packages\" list");
      for (const nlohmann::json& package : *packages)
        for (const char* field : {"name", "version", "arch", "filename", "sha256"})
          if (!package.is_object() || !package.contains(field) || !package[field].is_string())
            return Fail(path,
                        "a package of the debian entry '" + key + "' has no \"" + field + "\"");
      lock.debian_[key] = resolution;
    }
  }
  if (auto network = json.find("network"); network != json.end()) {
    if (!network->is_object())
      return Fail(path, "\"network\" must be an object of step key: {\"sha256\", \"step\"}");
    for (auto& [key, entry] : network->items()) {
      auto sha = entry.is_object() ? entry.find("sha256") : entry.end();
      if (sha == entry.end() || !sha->is_string() || !IsImageDigest(sha->get<std::string>()))
        return Fail(path, "the network step '" + key +
                              "' needs a \"sha256\" of \"sha256:\" and 64 lowercase hex digits");
      lock.network_[key] = entry;
    }
  }
  auto images = json.find("images");
  if (images == json.end()) return lock;
  if (!images->is_object()) return Fail(path, "\"images\" must be an object of reference: digest");
  for (auto& [ref, digest] : images->items()) {
    if (ref.empty()) return Fail(path, "an image reference is empty");
    if (!digest.is_string() || !IsImageDigest(digest.get<std::string>()))
      return Fail(path, "the digest of '" + ref +
                            "' must be \"sha256:\" and 64 lowercase hex digits, found " +
                            digest.dump());
    lock.images_[ref] = digest.get<std::string>();
  }
  return lock;
}

llvm::Expected<std::optional<Lockfile>> Lockfile::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return std::nullopt;
    return support::ErrnoError(errno, "cannot read", path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  llvm::Expected<Lockfile> lock = Parse(text.str(), path);
  if (!lock) return lock.takeError();
  return std::optional<Lockfile>(std::move(*lock));
}

std::string Lockfile::Lookup(llvm::StringRef ref) const {
  auto it = images_.find(ref.str());
  return it == images_.end() ? "" : it->second;
}

nlohmann::json Lockfile::LookupDebian(const std::string& key) const {
  auto it = debian_.find(key);
  return it == debian_.end() ? nlohmann::json() : it->second;
}

std::string Lockfile::LookupNetwork(const std::string& key) const {
  auto it = network_.find(key);
  return it == network_.end() ? "" : it->second.value("sha256", "");
}

std::string DebianLockKey(const std::string& suite, const std::string& arch,
                          const std::string& mirror, std::vector<std::string> packages,
                          std::vector<std::string> exclude) {
  std::sort(packages.begin(), packages.end());
  packages.erase(std::unique(packages.begin(), packages.end()), packages.end());
  std::sort(exclude.begin(), exclude.end());
  exclude.erase(std::unique(exclude.begin(), exclude.end()), exclude.end());
  std::string key = suite + "/" + arch;
  for (const std::string& package : packages) key += " " + package;
  for (const std::string& package : exclude) key += " -" + package;
  if (!mirror.empty()) key += " @" + mirror;
  return key;
}

std::string Lockfile::Serialize() const {
  // nlohmann's object is a std::map: keys come out sorted, so the bytes are canonical.
  nlohmann::json json = nlohmann::json::object();
  json["version"] = kLockfileVersion;
  json["images"] = nlohmann::json::object();
  for (const auto& [ref, digest] : images_) json["images"][ref] = digest;
  if (!debian_.empty()) json["debian"] = debian_;
  if (!network_.empty()) json["network"] = network_;
  return json.dump(2) + "\n";
}

llvm::Error Lockfile::Save(const std::string& path) const {
  return support::WriteFileAtomic(path, Serialize());
}

}  // namespace strata::graph
