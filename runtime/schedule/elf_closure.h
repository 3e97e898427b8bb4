// Reading ELF headers (interpreter, DT_NEEDED, run paths) and collecting an executable's
// runtime closure inside a rootfs, for the `minimal` op.
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::schedule {

// What the dynamic loader needs from one ELF file. A statically linked file has none of it.
struct ElfInfo {
  std::string interpreter;           // PT_INTERP, e.g. "/lib64/ld-linux-x86-64.so.2"
  std::vector<std::string> needed;   // DT_NEEDED, in order
  std::vector<std::string> runpath;  // DT_RUNPATH, split at ':'
  std::vector<std::string> rpath;    // DT_RPATH, split at ':'
  uint16_t machine = 0;              // e_machine
};

// Reads `file` (a host path) as a 64-bit little-endian ELF file. A file that is not ELF, of
// another class, or truncated/corrupt is an error naming it.
llvm::Expected<ElfInfo> ReadElf(const std::string& file);

// True when `file` starts with the ELF magic.
bool IsElfFile(const std::string& file);

// The library directories of `root` (a rootfs) in search order: /etc/ld.so.conf with its
// `include` globs, then /lib, /usr/lib, /lib64, /usr/lib64 and the x86-64 multiarch dirs.
std::vector<std::string> LibrarySearchDirs(const std::string& root);

// The runtime closure of `executable` (a path inside `root`): its interpreter and every
// library it needs, recursively (DT_RUNPATH, else DT_RPATH, with $ORIGIN; then `search_dirs`),
// as paths inside the root where they were found (not resolved). Empty for a static file. A
// library that is not found is an error naming the executable and the library.
llvm::Expected<std::vector<std::string>> ElfClosure(const std::string& root,
                                                    const std::string& executable,
                                                    const std::vector<std::string>& search_dirs);

// Builds the `minimal` layer in the empty directory `layer_dir`: each executable (absolute, or
// a name looked up in `path_env`, e.g. "/usr/bin:/bin"), the interpreter of a `#!` script, and
// the ELF closure of each, copied from `root` with owners and modes; symlinks on the way are
// kept as symlinks plus their targets; other parent directories are 0755 root.
llvm::Error BuildMinimalLayer(const std::string& root, const std::vector<std::string>& executables,
                              const std::string& path_env, const std::string& layer_dir);

}  // namespace strata::schedule
