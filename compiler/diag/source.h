// Source files held in memory, and the mapping from byte offsets to line:col for printing.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::diag {

// Index of a file in a SourceManager. 0 is reserved for "no file" (builtins, generated nodes).
using FileId = uint32_t;
inline constexpr FileId kNoFile = 0;

// A half-open byte range [begin, end) in one file. Offsets are cheap; line:col is
// computed only when a diagnostic is printed.
struct SourceRange {
  FileId file = kNoFile;
  uint32_t begin = 0;
  uint32_t end = 0;

  bool valid() const { return file != kNoFile; }
  // The smallest range covering both (they must be in the same file).
  static SourceRange Join(SourceRange a, SourceRange b);
};

// 1-based line and column; the column counts UTF-8 code points, not bytes.
struct LineCol {
  uint32_t line = 0;
  uint32_t col = 0;
};

// The largest program file (a .strata file, a Dockerfile, an imported module) read. A generated
// 100,000-target monorepo program is ~6 MB, so the bound is well above that; it still stops a
// runaway input early, since the parse tree costs ~100 times the source's size in memory.
inline constexpr size_t kMaxSourceBytes = 64 * 1024 * 1024;

// Reads a whole source file. Only regular files: a FIFO, a device (/dev/zero) or a directory
// is refused without blocking or reading, as is a file over kMaxSourceBytes. On failure
// returns nullopt and sets `reason` (e.g. "is not a regular file (a FIFO)").
std::optional<std::string> ReadSourceFile(const std::string& path, std::string& reason);

class SourceManager {
 public:
  SourceManager();
  ~SourceManager();
  SourceManager(const SourceManager&) = delete;
  SourceManager& operator=(const SourceManager&) = delete;

  // Adds a file whose text is already in memory (stdlib, tests, --arg values).
  FileId AddBuffer(std::string name, std::string text);
  // Reads a file from disk (ReadSourceFile); nullopt if it cannot be read, with the reason
  // ("is a directory", "is not a regular file", a size over the limit, strerror) in `reason`.
  std::optional<FileId> AddFile(const std::string& path, std::string* reason = nullptr);

  // An editor's unsaved text: Read (so AddFile and module loading) gives `text` for `path`
  // (matched as an absolute path with `.` and `..` removed) instead of the file on disk.
  void SetOverlay(const std::string& path, std::string text);
  void ClearOverlay(const std::string& path);
  // The overlay's text for `path`, else the file on disk (ReadSourceFile).
  std::optional<std::string> Read(const std::string& path, std::string& reason) const;

  const std::string& Name(FileId id) const;
  std::string_view Text(FileId id) const;
  LineCol Position(FileId id, uint32_t offset) const;
  // The text of a 1-based line, without its line break.
  std::string_view LineText(FileId id, uint32_t line) const;
  size_t file_count() const { return files_.size() - 1; }

 private:
  struct File;
  const File& Get(FileId id) const;
  std::vector<std::unique_ptr<File>> files_;
  std::map<std::string, std::string> overlay_;  // absolute, dot-free path -> text
};

}  // namespace strata::diag
