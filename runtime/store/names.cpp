// Name checks keep every path the store builds inside its root (no "..", no "/").
#include "runtime/store/names.h"

namespace strata::store {
namespace {

bool IsLowerHex(llvm::StringRef text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool IsValidDigest(llvm::StringRef digest) {
  return digest.startswith("sha256:") && IsLowerHex(digest.drop_front(7), 64);
}

bool IsValidKey(llvm::StringRef key) { return IsLowerHex(key, 32); }

}  // namespace strata::store
