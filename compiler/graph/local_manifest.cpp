// LocalManifest: the per-path facts lowering recorded while hashing local sources.
#include "compiler/graph/local_manifest.h"

#include <algorithm>
#include <iterator>

namespace strata::graph {
namespace {

bool SameFacts(const LocalEntry& a, const LocalEntry& b) {
  return a.kind == b.kind && a.mode == b.mode && a.size == b.size &&
         a.content_high == b.content_high && a.content_low == b.content_low &&
         a.target == b.target && a.linked == b.linked &&
         (!a.linked || (a.dev == b.dev && a.ino == b.ino));
}

}  // namespace

void LocalManifest::Add(const std::string& path, LocalEntry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(path, std::move(entry));
  // Two hashings of one path (overlapping sources) that disagree: one of the two keys does not
  // describe the file any more, and which one cannot be told, so neither is trusted.
  if (inserted) return;
  if (!SameFacts(it->second, entry)) it->second.conflict = true;
  // Sources with different ignore patterns walk different names of one directory.
  if (entry.names != it->second.names) {
    std::vector<std::string> names;
    std::set_union(it->second.names.begin(), it->second.names.end(), entry.names.begin(),
                   entry.names.end(), std::back_inserter(names));
    it->second.names = std::move(names);
  }
}

std::optional<LocalEntry> LocalManifest::Find(const std::string& path) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(path);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

size_t LocalManifest::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

}  // namespace strata::graph
