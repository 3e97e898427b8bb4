// BlobWriter: temp file + running sha256, committed by rename to blobs/sha256/<hex>.
#include "runtime/store/blob_writer.h"

#include "runtime/store/names.h"

namespace strata::store {

llvm::Error BlobWriter::Write(const void* data, size_t size) {
  hash_.Update(data, size);
  size_ += size;
  return file_.WriteAll(data, size);
}

llvm::Expected<std::string> BlobWriter::Commit() { return CommitExpecting(""); }

llvm::Expected<std::string> BlobWriter::CommitExpecting(llvm::StringRef expected) {
  std::string digest = hash_.Digest();
  if (!expected.empty() && expected != digest) {
    file_.Discard();
    return MakeError(std::errc::invalid_argument,
                                   "blob digest mismatch: expected " + expected.str() +
                                       ", got " + digest);
  }
  std::string dest = blob_dir_ + "/" + DigestHex(digest).str();
  if (llvm::Error err = file_.CommitReplace(dest)) return err;
  if (trust_) trust_->MarkVerified(digest);
  return digest;
}

}  // namespace strata::store
