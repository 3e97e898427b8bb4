// A layer's tree held in memory: what a COPY adds, listed without staging a copy on disk.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "runtime/oci/tree_scan.h"
#include "runtime/schedule/root_path.h"

namespace strata::schedule {

// Entries by tar path ("a/b", no leading slash; "" is the layer's root, never an entry).
// Regular files name their source file (TreeEntry::source_path), which the layer writer reads
// once, straight into the tar: a 20,000-file COPY costs 20,000 opens, not a copy of the tree
// (with its creates, chowns, chmods and unlinks) and a second read of it.
class LayerTree {
 public:
  const oci::TreeEntry* Find(const std::string& path) const;
  oci::TreeEntry* FindMutable(const std::string& path);
  void Put(oci::TreeEntry entry);  // Inserts, or replaces the entry at entry.tar_path.
  void Erase(const std::string& path);
  bool HasChildren(const std::string& path) const;
  // The regular file just put at `path` is one name of the source file (dev, inode) that has
  // others: TakeEntries makes each later name of it in the tree a hard link to the first.
  void NoteLinked(const std::string& path, uint64_t dev, uint64_t ino);
  // Sorted by tar path bytes, as oci::ScanTree sorts a directory's entries; moved out, so the
  // tree is empty afterwards (a 20,000-file COPY copies no path strings). Names of one noted
  // source file after the first (in this order, so a link follows its target in the tar) are
  // hard links to it, as BuildKit's copy keeps them.
  std::vector<oci::TreeEntry> TakeEntries();

 private:
  std::map<std::string, oci::TreeEntry> entries_;  // std::string orders bytes as unsigned char.
  std::map<std::string, std::pair<uint64_t, uint64_t>> linked_;  // NoteLinked's, by path
};

// "dir" + "/" + name, for tar paths ("" is the root).
std::string JoinTarPath(const std::string& dir, const std::string& name);

// What CopyTree / CopyContents (root_path.h) would write under a layer directory, added to
// `tree` instead: `dest` is a tar path. Entries get the same types, owners and modes a copy on
// disk would have when scanned (symlinks 0777; a 0/0 character device an overlay whiteout).
llvm::Error AddTree(const std::string& source, const std::string& dest, const CopyRules& rules,
                    LayerTree& tree);
llvm::Error AddContents(const std::string& source, const std::string& dest, const CopyRules& rules,
                        LayerTree& tree);

// Writes `entries` (sorted, as LayerTree::TakeEntries returns them) under the existing directory
// `dir` as files with their owners and modes: for what needs the tree on disk (a bind mount of
// the user's files, which must show exactly what a COPY would take).
llvm::Error MaterializeEntries(const std::vector<oci::TreeEntry>& entries, const std::string& dir);

}  // namespace strata::schedule
