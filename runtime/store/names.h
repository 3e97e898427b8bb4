// Validation of the two kinds of store names: blob digests and derivation keys.
#pragma once

#include <llvm/ADT/StringRef.h>

namespace strata::store {

// "sha256:" followed by exactly 64 lowercase hex digits.
bool IsValidDigest(llvm::StringRef digest);
// Exactly 32 lowercase hex digits (an XXH3-128 derivation key).
bool IsValidKey(llvm::StringRef key);
// The hex part of a valid digest.
inline llvm::StringRef DigestHex(llvm::StringRef digest) { return digest.drop_front(7); }

}  // namespace strata::store
