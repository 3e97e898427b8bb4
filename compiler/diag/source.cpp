// Source files held in memory, and the mapping from byte offsets to line:col.
#include "compiler/diag/source.h"

#include <fcntl.h>
#include <llvm/ADT/SmallString.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Path.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "compiler/support/file_read.h"

namespace strata::diag {

struct SourceManager::File {
  std::string name;
  std::string text;
  mutable std::vector<uint32_t> line_starts;  // computed on first use

  const std::vector<uint32_t>& LineStarts() const {
    if (line_starts.empty()) {
      line_starts.push_back(0);
      for (uint32_t i = 0; i < text.size(); ++i)
        if (text[i] == '\n') line_starts.push_back(i + 1);
    }
    return line_starts;
  }
};

namespace {

const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a file";
}

}  // namespace

std::optional<std::string> ReadSourceFile(const std::string& path, std::string& reason) {
  // O_NONBLOCK: opening a FIFO with no writer must not wait; fstat then refuses it.
  int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    reason = std::strerror(errno);
    return std::nullopt;
  }
  struct stat st;
  std::optional<std::string> text;
  if (::fstat(fd, &st) != 0) {
    reason = std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    reason = "is a directory";
  } else if (!S_ISREG(st.st_mode)) {
    reason = std::string("is not a regular file (") + KindOf(st.st_mode) + ")";
  } else if (static_cast<uint64_t>(st.st_size) > kMaxSourceBytes) {
    reason = "is " + std::to_string(st.st_size) + " bytes; a program file may be at most " +
             std::to_string(kMaxSourceBytes / (1024 * 1024)) + " MiB";
  } else if (llvm::Expected<std::string> read = support::ReadAll(fd, path, kMaxSourceBytes)) {
    text = std::move(*read);
  } else {
    std::error_code code = llvm::errorToErrorCode(read.takeError());
    reason = code == std::errc::file_too_large  // it grew while we read
                 ? "is over " + std::to_string(kMaxSourceBytes / (1024 * 1024)) +
                       " MiB, the limit for a program file"
                 : code.message();
  }
  ::close(fd);
  return text;
}

SourceRange SourceRange::Join(SourceRange a, SourceRange b) {
  if (!a.valid()) return b;
  if (!b.valid() || a.file != b.file) return a;
  return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

SourceManager::SourceManager() {
  files_.push_back(std::make_unique<File>(File{"<builtin>", "", {}}));
}
SourceManager::~SourceManager() = default;

FileId SourceManager::AddBuffer(std::string name, std::string text) {
  files_.push_back(std::make_unique<File>(File{std::move(name), std::move(text), {}}));
  return static_cast<FileId>(files_.size() - 1);
}

namespace {

// The overlay's key of a path: absolute, without `.` and `..` components.
std::string OverlayKey(const std::string& path) {
  llvm::SmallString<256> absolute(path);
  llvm::sys::fs::make_absolute(absolute);
  llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
  return std::string(absolute);
}

}  // namespace

void SourceManager::SetOverlay(const std::string& path, std::string text) {
  overlay_[OverlayKey(path)] = std::move(text);
}

void SourceManager::ClearOverlay(const std::string& path) { overlay_.erase(OverlayKey(path)); }

std::optional<std::string> SourceManager::Read(const std::string& path, std::string& reason) const {
  if (!overlay_.empty())
    if (auto it = overlay_.find(OverlayKey(path)); it != overlay_.end()) return it->second;
  return ReadSourceFile(path, reason);
}

std::optional<FileId> SourceManager::AddFile(const std::string& path, std::string* reason) {
  std::string why;
  std::optional<std::string> text = Read(path, why);
  if (!text) {
    if (reason) *reason = why;
    return std::nullopt;
  }
  return AddBuffer(path, std::move(*text));
}

const SourceManager::File& SourceManager::Get(FileId id) const {
  return *files_[id < files_.size() ? id : 0];
}

const std::string& SourceManager::Name(FileId id) const { return Get(id).name; }
std::string_view SourceManager::Text(FileId id) const { return Get(id).text; }

LineCol SourceManager::Position(FileId id, uint32_t offset) const {
  const File& file = Get(id);
  const auto& starts = file.LineStarts();
  offset = std::min<uint32_t>(offset, file.text.size());
  auto it = std::upper_bound(starts.begin(), starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts.begin());
  uint32_t col = 1;
  for (uint32_t i = starts[line - 1]; i < offset; ++i)
    if ((static_cast<unsigned char>(file.text[i]) & 0xC0) != 0x80) ++col;
  return {line, col};
}

std::string_view SourceManager::LineText(FileId id, uint32_t line) const {
  const File& file = Get(id);
  const auto& starts = file.LineStarts();
  if (line == 0 || line > starts.size()) return {};
  uint32_t begin = starts[line - 1];
  uint32_t end = line < starts.size() ? starts[line] - 1 : file.text.size();
  if (end > begin && file.text[end - 1] == '\r') --end;
  return std::string_view(file.text).substr(begin, end - begin);
}

}  // namespace strata::diag
