// Walks the derivation graph of one build and turns its nodes' records into SBOM components.
#include "runtime/sbom/collect.h"

#include <set>
#include <utility>

#include "compiler/graph/op_params.h"
#include "compiler/graph/ops.h"
#include "runtime/oci/registry_reference.h"
#include "runtime/sbom/purl.h"

namespace strata::sbom {
namespace {

llvm::Error CollectError(const std::string& message) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "sbom: " + message);
}

std::string Hex(std::string digest) {
  return digest.rfind("sha256:", 0) == 0 ? digest.substr(7) : digest;
}

// The last path segment of a URL, without query or fragment.
std::string UrlFileName(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  std::string name = path.substr(path.find_last_of('/') + 1);
  return name.empty() ? url : name;
}

// The name a loaded image's artifact goes by: a local source's name or a download's file name.
std::string ArtifactName(const graph::Node& source) {
  if (source.op() == graph::Op::kLocal) {
    if (llvm::Expected<graph::LocalParams> params = graph::DecodeLocal(source))
      return params->name;
    else
      llvm::consumeError(params.takeError());
  }
  if (source.op() == graph::Op::kFetch) {
    if (llvm::Expected<graph::FetchParams> params = graph::DecodeFetch(source))
      return UrlFileName(params->url);
    else
      llvm::consumeError(params.takeError());
  }
  return "";
}

class Collector {
 public:
  explicit Collector(const OutputOf& output_of) : output_of_(output_of) {}

  llvm::Error Visit(const graph::Node& node, bool in_image) {
    if (!visited_.insert({&node, in_image}).second) return llvm::Error::success();
    auto inputs = node.inputs();
    switch (node.op()) {
      case graph::Op::kScratch:
      case graph::Op::kLocal:
      case graph::Op::kText:
        return llvm::Error::success();
      case graph::Op::kPull:
        return AddPull(node, in_image);
      case graph::Op::kDebian:
        return AddDebian(node, in_image);
      case graph::Op::kFetch: {
        llvm::Expected<graph::FetchParams> params = graph::DecodeFetch(node);
        if (!params) return params.takeError();
        Component file;
        file.kind = Component::Kind::kFetchedFile;
        file.download_location = params->url;
        file.name = UrlFileName(file.download_location);
        file.sha256 = Hex(params->sha256);
        file.in_image = in_image;
        components_.push_back(std::move(file));
        return llvm::Error::success();
      }
      case graph::Op::kLoad: {
        llvm::Expected<graph::LoadParams> params = graph::DecodeLoad(node);
        if (!params) return params.takeError();
        Component base;
        base.kind = Component::Kind::kBaseImage;
        const graph::Node* source = inputs.empty() ? nullptr : inputs[0];
        std::string name = source ? ArtifactName(*source) : "";
        const std::string& tag = params->tag;
        base.name = (name.empty() ? "local image" : name) + (tag.empty() ? "" : ":" + tag);
        base.in_image = in_image;
        components_.push_back(std::move(base));
        return source ? Visit(*source, in_image) : llvm::Error::success();
      }
      case graph::Op::kExec: {
        llvm::Expected<graph::ExecParams> params = graph::DecodeExec(node);
        if (!params) return params.takeError();
        if (params->network)
          if (llvm::Error err = AddNetworkOutput(node, *params, in_image)) return err;
        for (size_t i = 0; i < inputs.size(); ++i)  // the parent, then mounted artifacts
          if (llvm::Error err = Visit(*inputs[i], i == 0 && in_image)) return err;
        return llvm::Error::success();
      }
      case graph::Op::kCopy:
      case graph::Op::kConfig:
        // A copied artifact is in the image; a selection out of a stage keeps only what it selects.
        for (const graph::Node* input : inputs)
          if (llvm::Error err = Visit(*input, in_image)) return err;
        return llvm::Error::success();
      case graph::Op::kSelect:
        for (const graph::Node* input : inputs)
          if (llvm::Error err = Visit(*input, in_image && !graph::IsStage(input))) return err;
        return llvm::Error::success();
      case graph::Op::kMinimal:
        for (const graph::Node* input : inputs)
          if (llvm::Error err = Visit(*input, false)) return err;
        return llvm::Error::success();
    }
    return llvm::Error::success();
  }

  std::vector<Component> Take() { return std::move(components_); }

 private:
  llvm::Expected<nlohmann::json> SbomRecord(const graph::Node& node, const char* what) {
    llvm::Expected<schedule::NodeOutput> output = output_of_(node);
    if (!output) return output.takeError();
    if (!output->sbom.is_object() || !output->sbom.contains(what))
      return CollectError(std::string(what) + " node " + node.key().Hex() +
                          " has no SBOM data in its record");
    return output->sbom[what];
  }

  llvm::Error AddPull(const graph::Node& node, bool in_image) {
    llvm::Expected<nlohmann::json> pulled = SbomRecord(node, "pull");
    if (!pulled) return pulled.takeError();
    llvm::Expected<graph::PullParams> params = graph::DecodePull(node);
    if (!params) return params.takeError();
    std::string ref_text = params->ref;
    Component base;
    base.kind = Component::Kind::kBaseImage;
    base.name = ref_text;
    base.version = pulled->value("digest", "");
    base.arch = pulled->value("architecture", "");
    if (llvm::Expected<oci::ImageReference> ref = oci::ImageReference::Parse(ref_text)) {
      base.purl = OciPurl(ref->registry + "/" + ref->repository, base.version,
                          ref->digest.empty() ? ref->tag : "", base.arch);
    } else {
      llvm::consumeError(ref.takeError());
    }
    base.sha256 = Hex(base.version);  // of the manifest (or index) the reference resolved to
    base.in_image = in_image;
    components_.push_back(std::move(base));
    return llvm::Error::success();
  }

  llvm::Error AddDebian(const graph::Node& node, bool in_image) {
    llvm::Expected<nlohmann::json> debian = SbomRecord(node, "debian");
    if (!debian) return debian.takeError();
    std::string mirror = debian->value("mirror", "");
    llvm::Expected<graph::DebianParams> params = graph::DecodeDebian(node);
    if (!params) return params.takeError();
    std::string distro = DebianDistro(debian->value("suite", params->request.suite));
    const nlohmann::json& packages = (*debian)["packages"];
    if (!packages.is_array())
      return CollectError("debian node " + node.key().Hex() + ": no package list");
    for (const nlohmann::json& entry : packages) {
      if (!entry.is_object())
        return CollectError("debian node " + node.key().Hex() + ": malformed package");
      Component package;
      package.kind = Component::Kind::kDebianPackage;
      package.name = entry.value("name", "");
      package.version = entry.value("version", "");
      package.arch = entry.value("arch", "");
      package.sha256 = entry.value("sha256", "");
      package.license = entry.value("license", "");
      std::string filename = entry.value("filename", "");
      if (!mirror.empty() && !filename.empty()) package.download_location = mirror + "/" + filename;
      package.purl = DebianPurl(package.name, package.version, package.arch, distro);
      package.in_image = in_image;
      components_.push_back(std::move(package));
    }
    return llvm::Error::success();
  }

  // The step's output is its layer: the sha256 of the uncompressed tar, which the build
  // checked against the declared hash.
  llvm::Error AddNetworkOutput(const graph::Node& node, const graph::ExecParams& params,
                               bool in_image) {
    llvm::Expected<schedule::NodeOutput> output = output_of_(node);
    if (!output) return output.takeError();
    if (!output->IsStage() || output->image.layers.empty())
      return CollectError("network step " + node.key().Hex() + " has no output layer");
    Component step;
    step.kind = Component::Kind::kNetworkOutput;
    step.name = "RUN " + params.CommandText();
    if (step.name.size() > 200) step.name = step.name.substr(0, 197) + "...";
    step.sha256 = Hex(output->image.layers.back().diff_id);
    step.in_image = in_image;
    components_.push_back(std::move(step));
    return llvm::Error::success();
  }

  const OutputOf& output_of_;
  std::set<std::pair<const graph::Node*, bool>> visited_;
  std::vector<Component> components_;
};

}  // namespace

llvm::Expected<std::vector<Component>> CollectComponents(const graph::Node& target,
                                                         const OutputOf& output_of) {
  Collector collector(output_of);
  if (llvm::Error err = collector.Visit(target, true)) return err;
  std::vector<Component> components = collector.Take();
  SortComponents(components);
  return components;
}

}  // namespace strata::sbom
