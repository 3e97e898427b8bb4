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
// `error` set for an unknown transport, an empty path, or a REF that is not NAME[:TAG].
std::optional<OutputSpec> ParseOutputSpec(const std::string& text, std::string& error);

// Whether the output can be written, checked before the build does any work: an archive's
// directory exists and takes new files and its name is not a directory; a layout directory
// is a directory, or can be created. Returns the problem, or nullopt. (Registries: at push.)
std::optional<std::string> CheckOutputTarget(const OutputSpec& spec);

}  // namespace strata::cli
