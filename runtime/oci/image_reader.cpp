// ImportImage: tells an OCI layout directory from a docker-archive tar and splits off the tag.
#include "runtime/oci/image_reader.h"

#include <sys/stat.h>

#include "compiler/support/errno_error.h"
#include "runtime/oci/image_import.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {

llvm::Expected<Image> ImportImage(const store::Store& store, const std::string& path) {
  // "PATH" when it exists, else the shortest existing "PATH" of "PATH:TAG" (tags hold ':' too).
  std::string location = path, tag;
  struct stat st;
  bool found = ::stat(path.c_str(), &st) == 0;
  for (size_t colon = path.find(':'); !found && colon != std::string::npos;
       colon = path.find(':', colon + 1)) {
    if (colon > 0 && ::stat(path.substr(0, colon).c_str(), &st) == 0) {
      location = path.substr(0, colon);
      tag = path.substr(colon + 1);
      found = true;
    }
  }
  if (!found)
    return support::MakeError(std::errc::no_such_file_or_directory,
                              "image '" + path + "': no such OCI layout or docker-archive file");
  if (S_ISDIR(st.st_mode)) return ImportOciLayout(store, location, tag);
  if (S_ISREG(st.st_mode)) return ImportDockerArchive(store, location, tag);
  return support::MakeError(std::errc::invalid_argument,
                            "image '" + location + "' is neither a directory nor a file");
}

}  // namespace strata::oci
