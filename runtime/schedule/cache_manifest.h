// The remote cache's format: the tag a node's output is pushed under, and the OCI manifest
// (an artifact) that carries its node record and its layers (docs/store.md, "Remote cache").
#pragma once

#include <llvm/ADT/StringRef.h>
#include <llvm/Support/Error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/oci/layer_writer.h"

namespace strata::schedule {

inline constexpr llvm::StringLiteral kCacheArtifactType = "application/vnd.strata.cache.node.v1";
inline constexpr llvm::StringLiteral kCacheRecordMediaType =
    "application/vnd.strata.cache.record.v1+json";
inline constexpr llvm::StringLiteral kCacheKeyAnnotation = "dev.strata.cache.key";

// "strata-cache-v1-<record key>": the tag a node's output is pushed under. The version part
// changes when the format does, so an old cache is a miss rather than a misread. "" for a
// key that is not 32 lowercase hex (it could not come from RecordKeys).
std::string CacheTag(llvm::StringRef record_key);

// The record as it is shared: a stage record's "kind", "op", "image" and "sbom" only. Inputs,
// sources and the creation time are this store's own (they serve gc) and would make two
// stores' manifests differ for the same output. Serialised with sorted keys and no spaces, so
// the same output always gives the same bytes (and the same manifest digest).
std::string EncodeCacheRecord(const nlohmann::json& record);

// An OCI image manifest with artifactType kCacheArtifactType; config is the record blob
// (kCacheRecordMediaType), layers the image's layers in order, and one annotation names the
// record key. Canonical bytes, as EncodeCacheRecord.
std::string EncodeCacheManifest(llvm::StringRef record_key, llvm::StringRef record_digest,
                                uint64_t record_size,
                                const std::vector<oci::LayerDescriptor>& layers);

struct CacheManifest {
  std::string record_digest;
  int64_t record_size = 0;
  std::vector<oci::LayerDescriptor> layers;  // digest, size and media type (no diff_id)
};

// Reads a manifest EncodeCacheManifest wrote for `record_key`; anything else (another
// artifact type, another key, a malformed descriptor) is an error saying what.
llvm::Expected<CacheManifest> DecodeCacheManifest(llvm::StringRef bytes,
                                                  llvm::StringRef record_key);

// Reads a fetched record blob: a stage record whose image names exactly the manifest's layers
// (same digests, sizes and media types, in order). Returns the record to store.
llvm::Expected<nlohmann::json> DecodeCacheRecord(llvm::StringRef bytes,
                                                 const CacheManifest& manifest);

}  // namespace strata::schedule
