// File capabilities (the security.capability xattr) in layers, as Docker and BuildKit keep them.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::oci {

// The one extended attribute a layer carries. Docker's and containerd's layer tars record
// security.capability (as the pax record SCHILY.xattr.security.capability) and no other xattr:
// without it `RUN setcap cap_net_raw+ep /bin/ping`, or a package whose install script sets a
// capability, gives a binary that fails for a non-root user of the image. BuildKit keeps it
// through a RUN (the step's layer) and a `COPY --from` of a stage, not from the build context.
inline constexpr const char* kCapabilityXattr = "security.capability";

// The raw value of `path`'s security.capability (not following a symlink), or "" when it has
// none or its file system keeps no xattrs.
llvm::Expected<std::string> ReadFileCapability(const std::string& path);

// Sets `path`'s security.capability to `value` (a regular file; nothing when `value` is empty).
// Call it after any chown of the file: the kernel drops a file's capabilities when its owner
// changes.
llvm::Error WriteFileCapability(const std::string& path, const std::string& value);

}  // namespace strata::oci
