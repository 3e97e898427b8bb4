// Reading ELF headers (interpreter, DT_NEEDED, run paths) and collecting an executable's
// runtime closure inside a rootfs, for the `minimal` op.
#include "runtime/schedule/elf_closure.h"

#include <elf.h>
#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "compiler/support/errno_error.h"
#include "compiler/support/slash_path.h"
#include "compiler/support/unique_fd.h"
#include "runtime/schedule/image_config.h"
#include "runtime/schedule/root_path.h"

namespace strata::schedule {
namespace {

llvm::Error MinimalError(const std::string& message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", message.c_str());
}

// Bounds-checked reads from an open file of known size.
class ElfFile {
 public:
  ElfFile(support::UniqueFd fd, uint64_t size, std::string name)
      : fd_(std::move(fd)), size_(size), name_(std::move(name)) {}
  llvm::Error Read(uint64_t offset, uint64_t length, void* out) const {
    if (offset > size_ || length > size_ - offset)
      return Corrupt("a header points past the end of the file");
    ssize_t got = ::pread(fd_.Get(), out, length, static_cast<off_t>(offset));
    if (got < 0) return support::ErrnoError(errno, "cannot read", name_);
    if (static_cast<uint64_t>(got) != length) return Corrupt("short read");
    return llvm::Error::success();
  }
  llvm::Error Corrupt(const std::string& why) const {
    return MinimalError("'" + name_ + "' is not a valid ELF file: " + why);
  }
  uint64_t Size() const { return size_; }

 private:
  support::UniqueFd fd_;
  uint64_t size_;
  std::string name_;
};

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string ReplaceOrigin(std::string dir, const std::string& origin) {
  for (const char* token : {"${ORIGIN}", "$ORIGIN"}) {
    for (size_t at = dir.find(token); at != std::string::npos;
         at = dir.find(token, at + origin.size()))
      dir.replace(at, std::strlen(token), origin);
  }
  return dir;
}

// The host path of `path` inside `root` with every symlink resolved inside the root.
llvm::Expected<std::string> HostPath(const std::string& root, const std::string& path) {
  llvm::Expected<std::string> resolved =
      ResolveInRoot(root, path, /*follow_last=*/true, Escape::kClamp);
  if (!resolved) return resolved.takeError();
  return root + (*resolved == "/" ? "" : *resolved);
}

bool IsRegular(const std::string& host, bool executable = false) {
  struct stat st;
  return ::stat(host.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         (!executable || (st.st_mode & 0111));
}

void ParseLdConf(const std::string& root, const std::string& file, int depth,
                 std::vector<std::string>& dirs) {
  llvm::Expected<std::string> host = HostPath(root, file);
  if (!host) return llvm::consumeError(host.takeError());
  std::ifstream in(*host);
  for (std::string line; std::getline(in, line);) {
    line = line.substr(0, line.find('#'));
    std::stringstream words(line);
    std::string word;
    if (!(words >> word)) continue;
    if (word == "include") {
      for (std::string pattern; words >> pattern;) {
        if (depth > 8) break;
        if (pattern[0] != '/') pattern = DirName(file) + "/" + pattern;
        glob_t matches{};
        if (::glob((root + pattern).c_str(), 0, nullptr, &matches) == 0)
          for (size_t i = 0; i < matches.gl_pathc; ++i)
            ParseLdConf(root, std::string(matches.gl_pathv[i]).substr(root.size()), depth + 1,
                        dirs);
        ::globfree(&matches);
      }
    } else if (word != "hwcap" && word[0] == '/') {
      dirs.push_back(word);
    }
  }
}

}  // namespace

bool IsElfFile(const std::string& file) {
  support::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  unsigned char magic[SELFMAG];
  return fd && ::pread(fd.Get(), magic, SELFMAG, 0) == SELFMAG &&
         std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

llvm::Expected<ElfInfo> ReadElf(const std::string& file) {
  support::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "cannot open", file);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return support::ErrnoError(errno, "cannot stat", file);
  ElfFile elf(std::move(fd), static_cast<uint64_t>(st.st_size), file);

  Elf64_Ehdr header;
  if (elf.Size() < EI_NIDENT) return elf.Corrupt("too short");
  if (llvm::Error err = elf.Read(0, EI_NIDENT, header.e_ident)) return err;
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) return elf.Corrupt("no ELF magic");
  if (header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_ident[EI_DATA] != ELFDATA2LSB)
    return MinimalError("'" + file + "': only 64-bit little-endian ELF files are supported");
  if (llvm::Error err = elf.Read(0, sizeof(header), &header)) return err;
  if (header.e_phnum > 0 && header.e_phentsize < sizeof(Elf64_Phdr))
    return elf.Corrupt("bad program header size");

  ElfInfo info;
  info.machine = header.e_machine;
  std::vector<Elf64_Phdr> loads;
  std::optional<Elf64_Phdr> dynamic;
  for (uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr phdr;
    if (llvm::Error err =
            elf.Read(header.e_phoff + uint64_t(i) * header.e_phentsize, sizeof(phdr), &phdr))
      return err;
    if (phdr.p_type == PT_LOAD) loads.push_back(phdr);
    if (phdr.p_type == PT_DYNAMIC) dynamic = phdr;
    if (phdr.p_type == PT_INTERP) {
      if (phdr.p_filesz == 0 || phdr.p_filesz > 4096) return elf.Corrupt("bad PT_INTERP size");
      std::string interp(phdr.p_filesz, '\0');
      if (llvm::Error err = elf.Read(phdr.p_offset, phdr.p_filesz, interp.data())) return err;
      info.interpreter = interp.c_str();  // up to the NUL
    }
  }
  if (!dynamic) return info;

  if (dynamic->p_filesz > elf.Size()) return elf.Corrupt("bad PT_DYNAMIC size");
  std::vector<Elf64_Dyn> entries(dynamic->p_filesz / sizeof(Elf64_Dyn));
  if (llvm::Error err =
          elf.Read(dynamic->p_offset, entries.size() * sizeof(Elf64_Dyn), entries.data()))
    return err;
  uint64_t strtab_addr = 0, strtab_size = 0;
  std::vector<std::pair<int64_t, uint64_t>> strings;  // (tag, offset in the string table)
  for (const Elf64_Dyn& entry : entries) {
    if (entry.d_tag == DT_NULL) break;
    if (entry.d_tag == DT_STRTAB) strtab_addr = entry.d_un.d_ptr;
    if (entry.d_tag == DT_STRSZ) strtab_size = entry.d_un.d_val;
    if (entry.d_tag == DT_NEEDED || entry.d_tag == DT_RUNPATH || entry.d_tag == DT_RPATH)
      strings.emplace_back(entry.d_tag, entry.d_un.d_val);
  }
  if (strings.empty()) return info;  // e.g. static-pie
  // The string table is given as a virtual address: map it to a file offset through PT_LOAD.
  std::optional<uint64_t> strtab_offset;
  for (const Elf64_Phdr& load : loads)
    if (strtab_addr >= load.p_vaddr && strtab_addr - load.p_vaddr < load.p_filesz)
      strtab_offset = strtab_addr - load.p_vaddr + load.p_offset;
  if (!strtab_offset || strtab_size == 0 || strtab_size > elf.Size())
    return elf.Corrupt("bad DT_STRTAB");
  std::string strtab(strtab_size, '\0');
  if (llvm::Error err = elf.Read(*strtab_offset, strtab_size, strtab.data())) return err;
  for (const auto& [tag, offset] : strings) {
    if (offset >= strtab_size || strtab.find('\0', offset) == std::string::npos)
      return elf.Corrupt("a dynamic string is outside DT_STRTAB");
    std::string text = strtab.c_str() + offset;
    if (tag == DT_NEEDED) info.needed.push_back(text);
    if (tag == DT_RUNPATH)
      for (std::string& dir : support::PathElements(text, ':')) info.runpath.push_back(dir);
    if (tag == DT_RPATH)
      for (std::string& dir : support::PathElements(text, ':')) info.rpath.push_back(dir);
  }
  return info;
}

std::vector<std::string> LibrarySearchDirs(const std::string& root) {
  std::vector<std::string> dirs;
  ParseLdConf(root, "/etc/ld.so.conf", 0, dirs);
  for (const char* dir : {"/lib", "/usr/lib", "/lib64", "/usr/lib64", "/lib/x86_64-linux-gnu",
                          "/usr/lib/x86_64-linux-gnu"})
    dirs.push_back(dir);
  return dirs;
}

llvm::Expected<std::vector<std::string>> ElfClosure(const std::string& root,
                                                    const std::string& executable,
                                                    const std::vector<std::string>& search_dirs) {
  llvm::Expected<std::string> exe_host = HostPath(root, executable);
  if (!exe_host) return exe_host.takeError();
  llvm::Expected<ElfInfo> exe = ReadElf(*exe_host);
  if (!exe) return exe.takeError();
  std::vector<std::string> closure;
  std::set<std::string> seen{executable};
  std::map<std::string, std::string> by_name;  // soname → path found (the loader loads each once)

  struct Pending {
    std::string path;
    ElfInfo info;
  };
  std::vector<Pending> work{{executable, std::move(*exe)}};
  auto add = [&](const std::string& path) -> llvm::Error {
    if (!seen.insert(path).second) return llvm::Error::success();
    llvm::Expected<std::string> host = HostPath(root, path);
    if (!host) return host.takeError();
    llvm::Expected<ElfInfo> info = ReadElf(*host);
    if (!info) return info.takeError();
    closure.push_back(path);
    work.push_back({path, std::move(*info)});
    return llvm::Error::success();
  };
  while (!work.empty()) {
    Pending object = std::move(work.back());
    work.pop_back();
    if (!object.info.interpreter.empty()) {
      llvm::Expected<std::string> host = HostPath(root, object.info.interpreter);
      if (!host) return host.takeError();
      if (!IsRegular(*host))
        return MinimalError("minimal: " + executable + " needs the interpreter " +
                            object.info.interpreter + ", which is not in the stage");
      if (llvm::Error err = add(CleanPath("/", object.info.interpreter))) return err;
    }
    llvm::Expected<std::string> resolved = ResolveInRoot(root, object.path, true, Escape::kClamp);
    if (!resolved) return resolved.takeError();
    std::string origin = DirName(*resolved);
    std::vector<std::string> dirs =
        object.info.runpath.empty() ? object.info.rpath : object.info.runpath;
    for (std::string& dir : dirs) dir = ReplaceOrigin(dir, origin);
    dirs.insert(dirs.end(), search_dirs.begin(), search_dirs.end());
    for (const std::string& name : object.info.needed) {
      std::string found;
      if (name.find('/') != std::string::npos) {
        found = CleanPath("/", name);
      } else if (auto known = by_name.find(name); known != by_name.end()) {
        found = known->second;
      } else {
        for (const std::string& dir : dirs) {
          std::string candidate = CleanPath("/", dir + "/" + name);
          llvm::Expected<std::string> host = HostPath(root, candidate);
          if (!host) {
            llvm::consumeError(host.takeError());
            continue;
          }
          if (!IsRegular(*host)) continue;
          // Skip a library of another architecture (e.g. i386 in a biarch dir), as ld.so does.
          llvm::Expected<ElfInfo> info = ReadElf(*host);
          if (!info) {
            llvm::consumeError(info.takeError());
            continue;
          }
          if (info->machine != object.info.machine) continue;
          found = candidate;
          break;
        }
        if (found.empty())
          return MinimalError("minimal: " + executable + " needs " + name +
                              (object.path == executable ? "" : " (through " + object.path + ")") +
                              ", which is not in the stage's library path");
        by_name[name] = found;
      }
      if (llvm::Error err = add(found)) return err;
    }
  }
  return closure;
}

}  // namespace strata::schedule
