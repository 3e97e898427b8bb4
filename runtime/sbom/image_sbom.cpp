// From a finished build to its SBOM: node records (or rebuilt nodes) through the collector.
#include "runtime/sbom/image_sbom.h"

#include <optional>

#include "runtime/sbom/collect.h"
#include "runtime/sbom/cyclonedx_writer.h"
#include "runtime/sbom/spdx_writer.h"

namespace strata::sbom {
namespace {

llvm::Error SbomError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "sbom: " + message);
}

bool NeedsSbomData(const graph::Node& node) {
  return node.op() == graph::Op::kDebian || node.op() == graph::Op::kPull;
}

std::vector<std::string> Layers(const schedule::NodeOutput& output) {
  std::vector<std::string> digests;
  for (const oci::LayerDescriptor& layer : output.image.layers) digests.push_back(layer.diff_id);
  return digests;
}

}  // namespace

llvm::Expected<Sbom> MakeImageSbom(const store::Store& store, exec::SandboxRunner& runner,
                                   const schedule::ExecutorOptions& options,
                                   const graph::Node& target, const std::string& image_name,
                                   const oci::Image& image, const oci::WrittenImage& written) {
  schedule::Executor reader(store, runner, options);
  OutputOf output_of = [&](const graph::Node& node) -> llvm::Expected<schedule::NodeOutput> {
    llvm::Expected<std::optional<nlohmann::json>> record =
        store.GetNodeRecord(reader.RecordKey(node));
    if (!record) return record.takeError();
    std::optional<schedule::NodeOutput> old;
    if (*record) {
      llvm::Expected<schedule::NodeOutput> output = schedule::FromRecord(store, **record);
      if (!output) return output.takeError();
      if (!NeedsSbomData(node) || output->sbom.is_object()) return output;
      old = std::move(*output);
    }
    // Gone (gc) or written before SBOMs: make the node again.
    schedule::ExecutorOptions again = options;
    again.no_cache = old.has_value();
    schedule::Executor executor(store, runner, again);
    llvm::Expected<schedule::NodeOutput> rebuilt = executor.Build(&node);
    if (!rebuilt) return rebuilt.takeError();
    if (old && Layers(*old) != Layers(*rebuilt))
      return SbomError(
          "the cached " + std::string(graph::OpName(node.op())) + " node " + node.key().Hex() +
          " predates SBOMs and its source has changed since; build again with --no-cache");
    return rebuilt;
  };
  llvm::Expected<std::vector<Component>> components = CollectComponents(target, output_of);
  if (!components) return components.takeError();
  Sbom sbom;
  sbom.image_name = image_name;
  sbom.manifest_digest = written.manifest_digest;
  sbom.architecture = image.architecture;
  sbom.created = options.layer.source_date_epoch;
  sbom.components = std::move(*components);
  return sbom;
}

std::string WriteDocument(const Sbom& sbom, Format format) {
  return format == Format::kSpdx ? WriteSpdx(sbom) : WriteCycloneDx(sbom);
}

const char* MediaType(Format format) {
  return format == Format::kSpdx ? kSpdxMediaType : kCycloneDxMediaType;
}

const char* FileName(Format format) {
  return format == Format::kSpdx ? "sbom.spdx.json" : "sbom.cdx.json";
}

}  // namespace strata::sbom
