// The running binary's identity, for caches whose entries only the binary that wrote them reads.
#pragma once

#include <sys/stat.h>

#include <string>

namespace strata::support {

// "size:mtime:inode" of /proc/self/exe, computed once: any rebuilt strata (another stdlib,
// other builtins, another encoding) has another stamp. "" when it cannot be read: a cache then
// must not be used.
inline const std::string& BinaryStamp() {
  static const std::string stamp = [] {
    struct stat st;
    if (::stat("/proc/self/exe", &st) != 0) return std::string();
    return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ino);
  }();
  return stamp;
}

}  // namespace strata::support
