// The canonical, versioned byte encoding of a node that its key is the XXH3-128 of.
//
// docs/graph-encoding.md describes the bytes; ComputeKey (node.h) hashes exactly what
// CanonicalEncoding returns, streamed instead of materialised.
#pragma once

#include <llvm/ADT/ArrayRef.h>

#include <nlohmann/json.hpp>
#include <string>

#include "compiler/graph/node.h"

namespace strata::graph {

// Value tags of the encoding (one byte each).
enum class ValueTag : char {
  kNull = 'n',
  kFalse = 'f',
  kTrue = 't',
  kInt = 'i',       // int64, 8 bytes little-endian two's complement
  kUnsigned = 'u',  // only for integers above INT64_MAX, 8 bytes little-endian
  kFloat = 'd',     // IEEE-754 binary64 bits, 8 bytes little-endian (no op uses floats)
  kString = 's',    // u64 length + bytes
  kBinary = 'x',    // u64 length + bytes
  kArray = 'a',     // u64 count + elements
  kObject = 'o',    // u64 count + (u64 length + key bytes, value) sorted by key bytes
};

// The full canonical encoding of a would-be node (for tests, docs and debugging).
std::string CanonicalEncoding(Op op, llvm::ArrayRef<Param> params,
                              llvm::ArrayRef<const Node*> inputs);

// Appends the canonical encoding of one value.
void AppendCanonicalValue(std::string& out, const nlohmann::json& value);

}  // namespace strata::graph
