// Writes a tiny layer tree around a static busybox, for sandbox tests and examples.
#pragma once

#include <llvm/Support/Error.h>

#include <string>

namespace strata::exec {

// Fills `dir` (created if missing) with /bin/busybox copied from `busybox_path` (a static
// build, such as Debian's busybox-static), /bin/<applet> symlinks for the common applets,
// /etc/passwd (root, builder 1000), /etc/group (root, builder 1000, staff 50 with builder as
// member), /etc/motd, and empty /dev, /proc, /sys, /root and /tmp (1777). No /etc/hosts.
llvm::Error WriteBusyboxLayer(const std::string& dir,
                              const std::string& busybox_path = "/bin/busybox");

}  // namespace strata::exec
