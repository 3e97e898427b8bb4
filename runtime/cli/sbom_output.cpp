// The --sbom options of `strata build`: the document, its file and its referrer artifacts.
#include "runtime/cli/sbom_output.h"

#include <iostream>

#include "runtime/cli/options.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/image_writer.h"
#include "runtime/sbom/layout_referrer.h"
#include "runtime/sbom/registry_referrer.h"

namespace strata::cli {

void AddSbomOptions(po::options_description& options) {
  options.add_options()("sbom", po::value<std::string>()->value_name("FILE"),
                        "write the image's SBOM to FILE and attach it to oci:, oci-archive: and "
                        "docker:// outputs (docs/sbom.md)")(
      "sbom-format", po::value<std::string>()->value_name("FORMAT"),
      "spdx (SPDX 2.3 JSON, the default) or cyclonedx (CycloneDX 1.5 JSON)");
}

std::optional<SbomRequest> GetSbomRequest(const po::variables_map& values) {
  if (!values.count("sbom")) {
    if (values.count("sbom-format")) throw UsageError{"--sbom-format needs --sbom FILE"};
    return std::nullopt;
  }
  SbomRequest request;
  request.file = values["sbom"].as<std::string>();
  if (request.file.empty()) throw UsageError{"--sbom needs a file name"};
  if (values.count("sbom-format")) {
    std::string format = values["sbom-format"].as<std::string>();
    if (format == "spdx")
      request.format = sbom::Format::kSpdx;
    else if (format == "cyclonedx")
      request.format = sbom::Format::kCycloneDx;
    else
      throw UsageError{"unknown --sbom-format '" + format + "': expected spdx or cyclonedx"};
  }
  // The file is written like an archive output: checked before any work.
  OutputSpec as_file{OutputSpec::Kind::kOciArchive, request.file, ""};
  if (std::optional<std::string> problem = CheckOutputTarget(as_file))
    throw UsageError{"--sbom: " + *problem};
  return request;
}

llvm::Expected<std::string> MakeSbomDocument(const BuiltImage& built, const SbomRequest& request,
                                             const std::string& image_name) {
  llvm::Expected<sbom::Sbom> made = sbom::MakeImageSbom(
      built.store, built.runner, built.options, built.node, image_name, built.image, built.written);
  if (!made) return made.takeError();
  return sbom::WriteDocument(*made, request.format);
}

namespace {

sbom::ReferrerManifest Referrer(const BuiltImage& built, const SbomRequest& request,
                                const std::string& document) {
  sbom::Subject subject{oci::kOciManifestType, built.written.manifest_digest,
                        built.written.manifest_size};
  return sbom::MakeReferrerManifest(document, sbom::MediaType(request.format),
                                    sbom::FileName(request.format), subject,
                                    built.options.layer.source_date_epoch);
}

}  // namespace

llvm::Error ExportOciArchiveWithSbom(const BuiltImage& built, const SbomRequest& request,
                                     const std::string& document, const OutputSpec& output) {
  sbom::LayoutReferrerParts parts = sbom::MakeLayoutReferrerParts(
      document, Referrer(built, request, document), built.written.manifest_digest);
  return oci::ExportOciArchive(built.store, built.image, built.written, output.path, output.tag,
                               parts.blobs, {parts.entry});
}

llvm::Error AttachSbom(const BuiltImage& built, const SbomRequest& request,
                       const std::string& document, const OutputSpec& output) {
  if (output.kind != OutputSpec::Kind::kOciLayout && output.kind != OutputSpec::Kind::kRegistry)
    return llvm::Error::success();
  sbom::ReferrerManifest referrer = Referrer(built, request, document);
  const std::string& subject = built.written.manifest_digest;
  if (output.kind == OutputSpec::Kind::kOciLayout)
    return sbom::AttachToLayout(output.path, document, referrer, subject);
  llvm::Expected<sbom::ReferrersWay> way =
      sbom::PushReferrer(built.store, output.path, document, referrer, subject);
  if (!way) return way.takeError();
  std::cerr << "strata: SBOM " << referrer.digest << " attached to " << output.path
            << (*way == sbom::ReferrersWay::kApi
                    ? " (referrers API)\n"
                    : " (referrers tag " + sbom::ReferrersTag(subject) + ")\n");
  return llvm::Error::success();
}

}  // namespace strata::cli
