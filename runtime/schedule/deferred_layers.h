// Compressing deferred layers (stored as plain tar) when an image holding them leaves a build.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/oci/image.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/store/store.h"

namespace strata::schedule {

// The record key of the memo of one layer's compressed form: 32 hex digits of the sha256 of
// the diff_id, the algorithm, the level (-1 is written as oci::DefaultLevel) and the encoder
// (oci::EncoderIdentity: a memo another encoder made is not found). The memo is a node record
// {"kind":"stage","op":"compress","image":{"layers":[that layer]}}, so gc keeps its blob like any
// stage's while a root names the key.
std::string CompressedLayerKey(const std::string& diff_id, const oci::LayerOptions& options);

// `image` with every deferred layer replaced by its compressed form under `options`
// (compression, level, threads). Each form is made once per store: a memo whose blob is
// present with its recorded size is taken as it is; otherwise the tar blob is checked
// (Store::CheckBlob), compressed into a new blob and the memo written after it. A memo that is
// unreadable or names a missing blob is made again. The compressor's bytes depend only on the
// tar, the algorithm, the level and the encoder, so the descriptor is the one a layer compressed as
// it was written has: same manifest, same digest. Appends each memo key used to `memo_keys` (a
// build's root names them, for gc).
llvm::Expected<oci::Image> CompressDeferredLayers(const store::Store& store,
                                                  const oci::Image& image,
                                                  const oci::LayerOptions& options,
                                                  std::vector<std::string>* memo_keys = nullptr);

// Whether any layer of `image` is deferred.
bool HasDeferredLayers(const oci::Image& image);

}  // namespace strata::schedule
