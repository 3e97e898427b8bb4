// `-o OUTPUT` of `strata build`: the containers/image transport names.
#include "runtime/cli/output_spec.h"

namespace strata::cli {

std::optional<OutputSpec> ParseOutputSpec(const std::string& text, std::string& error) {
  OutputSpec spec;
  std::string rest;
  if (text.rfind("docker://", 0) == 0) {
    spec.kind = OutputSpec::Kind::kRegistry;
    spec.path = text.substr(9);
    if (spec.path.empty()) {
      error = "output '" + text + "': docker://REF needs a reference";
      return std::nullopt;
    }
    return spec;
  }
  size_t colon = text.find(':');
  std::string transport = colon == std::string::npos ? text : text.substr(0, colon);
  if (transport == "oci") spec.kind = OutputSpec::Kind::kOciLayout;
  else if (transport == "oci-archive") spec.kind = OutputSpec::Kind::kOciArchive;
  else if (transport == "docker-archive") spec.kind = OutputSpec::Kind::kDockerArchive;
  else {
    error = "unknown output '" + text +
            "': expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF] or docker://REF";
    return std::nullopt;
  }
  rest = colon == std::string::npos ? "" : text.substr(colon + 1);
  size_t tag = rest.find(':');
  spec.path = rest.substr(0, tag);
  if (tag != std::string::npos) spec.tag = rest.substr(tag + 1);
  if (spec.path.empty()) {
    error = "output '" + text + "' names no " + (transport == "oci" ? "directory" : "file");
    return std::nullopt;
  }
  return spec;
}

}  // namespace strata::cli
