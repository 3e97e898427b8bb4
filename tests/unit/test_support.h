// Small helpers shared by the unit tests: temporary directories, error checks, shell commands,
// whole-file reads and writes, and the source and corpus directories.
#pragma once

#include <llvm/Support/Error.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <utility>

#include "runtime/store/store.h"

namespace strata::testing {

// A fresh directory /tmp/strata-<name>-XXXXXX, removed with everything in it at scope exit.
struct TempDir {
  explicit TempDir(const std::string& name) {
    std::string tmpl = "/tmp/strata-" + name + "-XXXXXX";
    const char* made = ::mkdtemp(tmpl.data());
    REQUIRE(made != nullptr);
    path = made;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

// A test failure that shows the error, if there is one.
template <typename T>
void RequireOk(llvm::Expected<T>& value) {
  if (!value) FAIL(llvm::toString(value.takeError()));
}
inline void RequireOk(llvm::Error err) {
  if (err) FAIL(llvm::toString(std::move(err)));
}

// A store in a fresh temp directory (/tmp/strata-<name>-XXXXXX/store), removed with it.
struct TempStore {
  explicit TempStore(const std::string& name) : dir(name) {
    llvm::Expected<store::Store> opened = store::Store::Open(dir.path + "/store");
    RequireOk(opened);
    store.emplace(std::move(*opened));
  }
  TempDir dir;
  std::optional<store::Store> store;
};

// stdout of a shell command (stderr and exit status are not captured).
inline std::string ShellStdout(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  pclose(pipe);
  return out;
}

// stdout and stderr of a shell command, then "rc=N".
inline std::string Shell(const std::string& command) {
  return ShellStdout(command + " 2>&1; echo rc=$?");
}

// The bytes of a file ("" when it cannot be read).
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes a file, creating its parent directories.
inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

// The checkout and the shared corpus beside it (defined for the unit tests in
// tests/CMakeLists.txt).
inline std::filesystem::path SourceDir() { return STRATA_SOURCE_DIR; }
inline std::filesystem::path CorpusDir() { return STRATA_CORPUS_DIR; }

}  // namespace strata::testing
