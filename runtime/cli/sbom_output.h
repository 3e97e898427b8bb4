// `strata build --sbom FILE [--sbom-format spdx|cyclonedx]`: the image's SBOM as a file and as
// a referrer artifact of each oci:, oci-archive: and docker:// output.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/cli/build_target.h"
#include "runtime/cli/options.h"
#include "runtime/cli/output_spec.h"
#include "runtime/sbom/image_sbom.h"

namespace strata::cli {

struct SbomRequest {
  std::string file;
  sbom::Format format = sbom::Format::kSpdx;
};

// Adds --sbom and --sbom-format.
void AddSbomOptions(po::options_description& options);
// Reads them back; nullopt without --sbom. Throws UsageError for an unknown format, for
// --sbom-format alone, and for a FILE that cannot be written (checked before the build).
std::optional<SbomRequest> GetSbomRequest(const po::variables_map& values);

// The SBOM of the built image, in the request's format: the document's bytes, or an error.
llvm::Expected<std::string> MakeSbomDocument(const BuiltImage& built, const SbomRequest& request,
                                             const std::string& image_name);
// Attaches the document to `output` when it is oci: or docker:// (an oci-archive: gets it as
// it is written, ExportOciArchiveWithSbom; a docker-archive: has no place for it); says on
// stderr which way a registry took.
llvm::Error AttachSbom(const BuiltImage& built, const SbomRequest& request,
                       const std::string& document, const OutputSpec& output);
// oci-archive:FILE[:TAG] holding the image and the document as its referrer, in the same
// referrers-tag form as an oci: layout (one write of the archive).
llvm::Error ExportOciArchiveWithSbom(const BuiltImage& built, const SbomRequest& request,
                                     const std::string& document, const OutputSpec& output);

}  // namespace strata::cli
