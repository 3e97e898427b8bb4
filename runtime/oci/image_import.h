// The two importers behind ImportImage (image_reader.h), one per source format.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

#include "runtime/oci/image.h"
#include "runtime/store/store.h"

namespace strata::oci {

// An OCI image layout directory; `tag` empty means "the only image in it".
llvm::Expected<Image> ImportOciLayout(const store::Store& store, const std::string& dir,
                                      const std::string& tag);

// A `docker save` tar (itself possibly gzip/zstd-compressed); `ref` empty means "the only image".
llvm::Expected<Image> ImportDockerArchive(const store::Store& store, const std::string& file,
                                          const std::string& ref);

}  // namespace strata::oci
