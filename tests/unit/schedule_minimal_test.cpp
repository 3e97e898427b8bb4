// Tests for the `minimal` op's ELF reader and closure on real host binaries, and for the layer
// it builds from a small rootfs made of host files (no overlay, no runc).
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "runtime/exec/scratch_dir.h"
#include "runtime/schedule/elf_closure.h"
#include "runtime/schedule/root_path.h"

using namespace strata;

namespace {

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::string ErrorText(llvm::Error err) { return llvm::toString(std::move(err)); }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Copies a host file into `root` at `path`, following symlinks, with the parents it needs.
void CopyHost(const std::string& root, const std::string& host, const std::string& path) {
  std::string dir = root;
  std::string rest = path.substr(1, path.find_last_of('/'));
  for (size_t at = 0; (at = rest.find('/')) != std::string::npos; rest.erase(0, at + 1)) {
    dir += "/" + rest.substr(0, at);
    ::mkdir(dir.c_str(), 0755);
  }
  std::ifstream in(host, std::ios::binary);
  std::ofstream(root + path, std::ios::binary) << in.rdbuf();
  REQUIRE(::chmod((root + path).c_str(), 0755) == 0);
}

struct TempDir {
  TempDir() {
    auto dir = exec::ScratchDir::Create("/tmp", "strata-minimal-");
    REQUIRE(bool(dir));
    tmp.emplace(std::move(*dir));
  }
  std::string Path() const { return tmp->Path(); }
  std::optional<exec::ScratchDir> tmp;
};

}  // namespace

TEST_CASE("minimal: ReadElf on a dynamic host binary", "[schedule][minimal]") {
  llvm::Expected<schedule::ElfInfo> info = schedule::ReadElf("/bin/ls");
  REQUIRE(bool(info));
  CHECK(info->interpreter == "/lib64/ld-linux-x86-64.so.2");
  CHECK(Contains(info->needed, "libc.so.6"));
  CHECK(info->machine == EM_X86_64);
  CHECK(schedule::IsElfFile("/bin/ls"));
}

TEST_CASE("minimal: ReadElf on the static busybox has no closure", "[schedule][minimal]") {
  llvm::Expected<schedule::ElfInfo> info = schedule::ReadElf("/bin/busybox");
  REQUIRE(bool(info));
  CHECK(info->interpreter.empty());
  CHECK(info->needed.empty());
}

TEST_CASE("minimal: ReadElf on garbage and truncated files is a clear error",
          "[schedule][minimal]") {
  TempDir tmp;
  std::string garbage = tmp.Path() + "/garbage";
  WriteFile(garbage, "#!/bin/sh\necho hi\n");
  llvm::Expected<schedule::ElfInfo> info = schedule::ReadElf(garbage);
  REQUIRE_FALSE(bool(info));
  CHECK_THAT(ErrorText(info.takeError()),
             Catch::Contains("not a valid ELF file") && Catch::Contains("garbage"));
  CHECK_FALSE(schedule::IsElfFile(garbage));

  // Every prefix of a real binary up to its dynamic section: errors, never a crash.
  std::ifstream in("/bin/ls", std::ios::binary);
  std::string ls((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(ls.size() > 8192);
  for (size_t length : {size_t(0), size_t(4), size_t(16), size_t(63), size_t(64), size_t(200),
                        size_t(1000), size_t(4096)}) {
    std::string cut = tmp.Path() + "/cut";
    WriteFile(cut, ls.substr(0, length));
    llvm::Expected<schedule::ElfInfo> partial = schedule::ReadElf(cut);
    INFO("length " << length);
    REQUIRE_FALSE(bool(partial));
    CHECK_THAT(ErrorText(partial.takeError()), Catch::Contains("cut"));
  }

  // A header whose program headers point far past the end.
  std::string bad = ls.substr(0, 64);
  bad[32] = '\x7f';  // e_phoff's low byte...
  bad[38] = '\x7f';  // ...and a high byte
  WriteFile(tmp.Path() + "/bad", bad);
  llvm::Expected<schedule::ElfInfo> wild = schedule::ReadElf(tmp.Path() + "/bad");
  REQUIRE_FALSE(bool(wild));
  CHECK_THAT(ErrorText(wild.takeError()), Catch::Contains("past the end"));
}

TEST_CASE("minimal: the closure of ls inside a rootfs, through a symlinked interpreter",
          "[schedule][minimal]") {
  TempDir tmp;
  std::string root = tmp.Path() + "/root";
  REQUIRE(::mkdir(root.c_str(), 0755) == 0);
  CopyHost(root, "/bin/ls", "/bin/ls");
  llvm::Expected<schedule::ElfInfo> ls = schedule::ReadElf("/bin/ls");
  REQUIRE(bool(ls));
  for (const std::string& name : ls->needed)
    CopyHost(root, "/lib/x86_64-linux-gnu/" + name, "/usr/lib/x86_64-linux-gnu/" + name);
  // libselinux needs libpcre2; ld.so itself lives in the multiarch dir, reached via /lib64.
  CopyHost(root, "/lib/x86_64-linux-gnu/libpcre2-8.so.0",
           "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0");
  CopyHost(root, "/lib64/ld-linux-x86-64.so.2", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
  REQUIRE(::symlink("usr/lib", (root + "/lib").c_str()) == 0);
  REQUIRE(::mkdir((root + "/lib64").c_str(), 0755) == 0);
  REQUIRE(::symlink("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                    (root + "/lib64/ld-linux-x86-64.so.2").c_str()) == 0);
  REQUIRE(::mkdir((root + "/etc").c_str(), 0755) == 0);
  REQUIRE(::mkdir((root + "/etc/junk").c_str(), 0755) == 0);  // unrelated, must stay out

  llvm::Expected<std::vector<std::string>> closure =
      schedule::ElfClosure(root, "/bin/ls", schedule::LibrarySearchDirs(root));
  REQUIRE(bool(closure));
  CHECK(Contains(*closure, "/lib64/ld-linux-x86-64.so.2"));
  CHECK(Contains(*closure, "/lib/x86_64-linux-gnu/libc.so.6"));
  CHECK(Contains(*closure, "/lib/x86_64-linux-gnu/libpcre2-8.so.0"));
  CHECK_FALSE(Contains(*closure, "/bin/ls"));

  std::string layer = tmp.Path() + "/layer";
  REQUIRE(::mkdir(layer.c_str(), 0755) == 0);
  llvm::Error err = schedule::BuildMinimalLayer(root, {"ls"}, "/usr/bin:/bin", layer);
  REQUIRE_FALSE(bool(err));
  struct stat st;
  REQUIRE(::lstat((layer + "/bin/ls").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK((st.st_mode & 07777) == 0755);
  REQUIRE(::lstat((layer + "/lib").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  REQUIRE(::lstat((layer + "/lib64/ld-linux-x86-64.so.2").c_str(), &st) == 0);
  CHECK(S_ISLNK(st.st_mode));
  REQUIRE(::lstat((layer + "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));
  CHECK(::lstat((layer + "/usr/lib/x86_64-linux-gnu/libc.so.6").c_str(), &st) == 0);
  CHECK(::lstat((layer + "/etc").c_str(), &st) != 0);

  // A missing library names the executable and the library.
  REQUIRE(::unlink((root + "/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0").c_str()) == 0);
  std::string layer2 = tmp.Path() + "/layer2";
  REQUIRE(::mkdir(layer2.c_str(), 0755) == 0);
  std::string message = ErrorText(schedule::BuildMinimalLayer(root, {"/bin/ls"}, "/bin", layer2));
  CHECK_THAT(message, Catch::Contains("/bin/ls") && Catch::Contains("libpcre2-8.so.0"));
  // An executable not on PATH.
  CHECK_THAT(ErrorText(schedule::BuildMinimalLayer(root, {"nope"}, "/bin", layer2)),
             Catch::Contains("'nope'"));
}

TEST_CASE("minimal: library dirs from ld.so.conf and its includes", "[schedule][minimal]") {
  TempDir tmp;
  std::string root = tmp.Path() + "/root";
  REQUIRE(::mkdir(root.c_str(), 0755) == 0);
  for (const char* dir : {"/etc", "/etc/ld.so.conf.d", "/opt"})
    REQUIRE(::mkdir((root + dir).c_str(), 0755) == 0);
  WriteFile(root + "/etc/ld.so.conf", "# comment\ninclude /etc/ld.so.conf.d/*.conf\n");
  WriteFile(root + "/etc/ld.so.conf.d/a.conf", "/opt/libs  # trailing\n");
  std::vector<std::string> dirs = schedule::LibrarySearchDirs(root);
  REQUIRE(dirs.size() >= 2);
  CHECK(dirs[0] == "/opt/libs");
  CHECK(Contains(dirs, "/usr/lib/x86_64-linux-gnu"));
}
