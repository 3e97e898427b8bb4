// `-o OUTPUT` of `strata build`: the containers/image transport names.
#include "runtime/cli/output_spec.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "runtime/oci/registry_reference.h"

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
  if (transport == "oci")
    spec.kind = OutputSpec::Kind::kOciLayout;
  else if (transport == "oci-archive")
    spec.kind = OutputSpec::Kind::kOciArchive;
  else if (transport == "docker-archive")
    spec.kind = OutputSpec::Kind::kDockerArchive;
  else {
    error = "unknown output '" + text +
            "': expected oci:DIR[:TAG], oci-archive:FILE[:TAG], docker-archive:FILE[:REF] or "
            "docker://REF";
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
  if (spec.kind == OutputSpec::Kind::kDockerArchive && !spec.tag.empty()) {
    // docker load names the image by this reference: it must be one, with a tag, not a digest.
    llvm::Expected<oci::ImageReference> ref = oci::ImageReference::Parse(spec.tag);
    if (!ref) {
      error = "output '" + text + "': invalid image reference '" + spec.tag +
              "': " + llvm::toString(ref.takeError());
      return std::nullopt;
    }
    if (!ref->digest.empty()) {
      error = "output '" + text + "': '" + spec.tag + "' is a digest reference; give NAME[:TAG]";
      return std::nullopt;
    }
  }
  return spec;
}

std::optional<std::string> CheckOutputTarget(const OutputSpec& spec) {
  if (spec.kind == OutputSpec::Kind::kRegistry) return std::nullopt;
  std::string what = "output '" + spec.path + "'";
  struct stat st;
  bool exists = ::stat(spec.path.c_str(), &st) == 0;
  if (spec.kind == OutputSpec::Kind::kOciLayout) {
    if (exists && !S_ISDIR(st.st_mode)) return what + " exists and is not a directory";
  } else if (exists && S_ISDIR(st.st_mode)) {
    return what + " is a directory; an archive output names a file";
  }
  // The nearest existing directory above must take new entries (the layout's parents are
  // created; an archive is written next to its name, then renamed).
  std::string dir = spec.path;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (;;) {
    size_t slash = dir.find_last_of('/');
    dir = slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash);
    if (::stat(dir.c_str(), &st) == 0) break;
    if (spec.kind != OutputSpec::Kind::kOciLayout)
      return what + ": directory '" + dir + "' does not exist";
    if (dir == "." || dir == "/") break;
  }
  if (!S_ISDIR(st.st_mode)) return what + ": '" + dir + "' is not a directory";
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    return what + ": cannot write in '" + dir + "': " + std::strerror(errno);
  return std::nullopt;
}

}  // namespace strata::cli
