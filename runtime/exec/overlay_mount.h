// Mounts overlayfs as the step's rootfs, made of read-only layer trees and an upper dir.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

#include "runtime/exec/scoped_mount.h"

namespace strata::exec {

// Mounts with redirect_dir=off, metacopy=off and index=off so that the upper dir is a
// self-contained diff: whole files, deletions as char 0/0 whiteouts, replaced directories
// as opaque dirs, and nothing that refers back to a lower layer. Also `volatile`: the upper
// is never synced (unmounting stays fast); the store syncs what it keeps, and a crashed
// step's upper dir is never reused.
//
// Lower lists: mount(2) takes its options in one page (4096 bytes). Longer lists use the new
// mount API's "lowerdir+" (one layer per call, Linux 6.8+); on older kernels the paths are
// made relative to their common parent by a forked child that chdirs there first. Lists that
// still do not fit, or more than the kernel's 500 layers, are an error.
//
// `lowers` bottom to top (at least one); upper and work on one filesystem, work empty.
llvm::Expected<ScopedMount> MountOverlay(const std::vector<std::string>& lowers,
                                         const std::string& upper, const std::string& work,
                                         const std::string& target);

// The mount(2) data string, lowers top-first with ':' ',' '\' escaped. Exposed for tests.
std::string OverlayOptions(const std::vector<std::string>& lowers_bottom_to_top,
                           const std::string& upper, const std::string& work);

}  // namespace strata::exec
