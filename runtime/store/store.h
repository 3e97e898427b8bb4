// The content-addressed store: blobs by sha256, node records by derivation key, key locks.
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "compiler/support/unique_fd.h"
#include "runtime/store/blob_trust.h"
#include "runtime/store/blob_writer.h"
#include "runtime/store/key_lock.h"
#include "runtime/store/verified_stamps.h"

namespace strata::store {

// Layout under root (see docs/store.md):
//   blobs/sha256/<64 hex>   immutable content, published by rename
//   blobs/verified/<64 hex> the identity a blob had when last hashed whole (VerifiedStamps)
//   nodes/<32 hex>.json     node records, replaced atomically
//   locks/<32 hex>.lock     flock targets for LockKey
//   tmp/                    temp files of live or dead writers; never read
// Readers take no lock: every visible name holds complete, fsynced bytes.
class Store {
 public:
  // Creates the layout if needed and removes temp files of dead writers.
  static llvm::Expected<Store> Open(const std::string& root);
  // The one place the default store is decided (a command's --store overrides it):
  // $STRATA_STORE, else $XDG_CACHE_HOME/strata, else $HOME/.cache/strata, else
  // /tmp/strata-cache. The second form takes the variables' values (null when unset).
  static std::string DefaultRoot();
  static std::string DefaultRoot(const char* strata_store, const char* xdg_cache_home,
                                 const char* home);

  const std::string& Root() const { return root_; }

  // "" for a malformed digest.
  std::string BlobPath(llvm::StringRef digest) const;
  bool HasBlob(llvm::StringRef digest) const;
  llvm::Expected<BlobWriter> NewBlobWriter() const;
  llvm::Expected<std::string> PutBlobFromFile(const std::string& path) const;
  llvm::Expected<std::string> PutBlobBytes(llvm::StringRef bytes) const;

  // Checks that the blob's bytes hash to its name before they leave the store (export, push,
  // extraction). A blob this process wrote or already checked is not read again, nor one whose
  // stat identity is the one stamped when an earlier process hashed it. A corrupt
  // blob is removed (so the record naming it is rebuilt, or its image refetched, by the next
  // build) and the error says so; a missing one is an error too.
  llvm::Error CheckBlob(llvm::StringRef digest) const;
  // Hashes the blob whatever this process knows; the same outcome as CheckBlob.
  llvm::Error VerifyBlob(llvm::StringRef digest) const;
  // The digest of the blob's bytes ("sha256:<hex>"), whatever its name; removes nothing.
  llvm::Expected<std::string> HashBlob(llvm::StringRef digest) const;
  // How many corrupt blobs this store object (and its copies) removed.
  size_t CorruptBlobsRemoved() const { return trust_->Removed(); }
  // How many blobs this store object (and its copies) read and hashed.
  size_t BlobsHashed() const { return trust_->Hashed(); }

  llvm::Error PutNodeRecord(llvm::StringRef key, const nlohmann::json& record) const;
  // std::nullopt when the key has no record.
  llvm::Expected<std::optional<nlohmann::json>> GetNodeRecord(llvm::StringRef key) const;

  // Blocks until this process holds the key's lock.
  llvm::Expected<KeyLock> LockKey(llvm::StringRef key) const;
  // std::nullopt when another holder has it.
  llvm::Expected<std::optional<KeyLock>> TryLockKey(llvm::StringRef key) const;

  // Removes temp files of writers that are gone; returns how many.
  llvm::Expected<size_t> CleanTemps() const;

  std::string TmpDir() const { return root_ + "/tmp"; }

 private:
  explicit Store(std::string root)
      : root_(std::move(root)),
        trust_(std::make_shared<BlobTrust>()),
        stamps_(root_ + "/blobs/verified") {}
  llvm::Expected<support::UniqueFd> OpenLockFile(llvm::StringRef key) const;
  std::string root_;
  std::shared_ptr<BlobTrust> trust_;
  VerifiedStamps stamps_;
};

}  // namespace strata::store
