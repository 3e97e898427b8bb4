// `-o OUTPUT` of `strata build`: the containers/image transport names.
#pragma once

#include <optional>
#include <string>

namespace strata::cli {

struct OutputSpec {
  enum class Kind { kOciLayout, kOciArchive, kDockerArchive, kRegistry };
  Kind kind = Kind::kOciLayout;
  std::string path;  // DIR or FILE; for kRegistry the reference
  std::string tag;   // TAG (oci, oci-archive) or REF (docker-archive); may be empty
};

// oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF], docker://REF. The path
// ends at the first ':' after the transport (as containers/image parses it). nullopt and
// `error` set for an unknown transport or an empty path.
std::optional<OutputSpec> ParseOutputSpec(const std::string& text, std::string& error);

}  // namespace strata::cli
