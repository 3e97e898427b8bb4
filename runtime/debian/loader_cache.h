// /etc/ld.so.cache as libc-bin's ldconfig trigger would write it after the packages unpacked.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::debian {

// Writes DIR/etc/ld.so.conf ("include /etc/ld.so.conf.d/*.conf", as libc-bin ships it) when
// no tree has one, then DIR/etc/ld.so.cache: the package `trees` and DIR are hard-linked, in
// that order (later wins), into `scratch` (an empty directory on the same filesystem), and the
// host's ldconfig runs on it (`ldconfig -X -r SCRATCH`: it reads the image's ld.so.conf and
// libraries only, and creates no links). The cache format is glibc's (2.36 on Debian 12); its
// bytes depend only on the files, so two stores give the same cache. Needs root (ldconfig -r
// chroots) and /sbin/ldconfig (libc-bin).
llvm::Error WriteLoaderCache(const std::string& dir, const std::vector<std::string>& trees,
                             const std::string& scratch);

}  // namespace strata::debian
