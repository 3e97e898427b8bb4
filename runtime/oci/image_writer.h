// Turns an Image into OCI blobs (config, manifest) and exports it in the containers/image
// transports: oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF].
#pragma once

#include <llvm/Support/Error.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/oci/image.h"
#include "runtime/store/store.h"

namespace strata::oci {

struct WrittenImage {
  std::string manifest_digest;  // "sha256:..."
  uint64_t manifest_size = 0;
  std::string config_digest;
  uint64_t config_size = 0;
};

// Writes the image config (created = the epoch, rootfs.diff_ids, history with created = the
// epoch) and the OCI manifest into the store as blobs. Same Image, same bytes, same digest.
llvm::Expected<WrittenImage> WriteImage(const store::Store& store, const Image& image,
                                        int64_t source_date_epoch);

// oci:DIR[:TAG] — an OCI image layout directory (created or added to; index.json lists the
// manifest with org.opencontainers.image.ref.name = TAG when given).
llvm::Error ExportOciLayout(const store::Store& store, const Image& image,
                            const WrittenImage& written, const std::string& dir,
                            const std::string& tag);
// oci-archive:FILE[:TAG] — the same layout as a tar file (deterministic). `extra_blobs` (bytes)
// and `extra_entries` (index.json descriptors after the image's) add artifacts beside the
// image, such as an SBOM referrer (runtime/sbom/layout_referrer.h).
llvm::Error ExportOciArchive(const store::Store& store, const Image& image,
                             const WrittenImage& written, const std::string& file,
                             const std::string& tag,
                             const std::vector<std::string>& extra_blobs = {},
                             const std::vector<nlohmann::json>& extra_entries = {});
// docker-archive:FILE[:REF] — the `docker save` format (manifest.json, config, layers), loadable
// with `docker load` and `podman load`.
llvm::Error ExportDockerArchive(const store::Store& store, const Image& image,
                                const WrittenImage& written, const std::string& file,
                                const std::string& ref);

}  // namespace strata::oci
