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
// A lower dir listed twice (two identical layers) is kept at its topmost place only: the view
// is the same, and overlayfs refuses duplicates.
//
// Lower lists: mount(2) takes its options in one page (4096 bytes). Longer lists use the new
// mount API's "lowerdir+" (one layer per call, Linux 6.8+); on older kernels the layers get
// short names (symlinks "0", "1", ... in `work`.lowers, removed after the mount) and a forked
// child mounts from that directory. Up to the kernel's 500 layers fit either way.
//
// `lowers` bottom to top (at least one); upper and work on one filesystem, work empty.
llvm::Expected<ScopedMount> MountOverlay(const std::vector<std::string>& lowers,
                                         const std::string& upper, const std::string& work,
                                         const std::string& target);

// The mount(2) data string, lowers top-first with ':' ',' '\' escaped. Exposed for tests.
std::string OverlayOptions(const std::vector<std::string>& lowers_bottom_to_top,
                           const std::string& upper, const std::string& work);

// `lowers` without repeats, each kept at its topmost place (bottom to top). Exposed for tests.
std::vector<std::string> TopmostOccurrences(const std::vector<std::string>& lowers);

// The older kernels' way (see MountOverlay), unregistered; returns 0 or an errno. For tests.
int MountThroughLinks(const std::vector<std::string>& lowers, const std::string& upper,
                      const std::string& work, const std::string& target,
                      const std::string& link_dir);

}  // namespace strata::exec
