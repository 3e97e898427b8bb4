// Source files held in memory, and the mapping from byte offsets to line:col.
#include "compiler/diag/source.h"

#include <algorithm>
#include <fstream>
#include <sstream>

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

SourceRange SourceRange::Join(SourceRange a, SourceRange b) {
  if (!a.valid()) return b;
  if (!b.valid() || a.file != b.file) return a;
  return {a.file, std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

SourceManager::SourceManager() { files_.push_back(std::make_unique<File>(File{"<builtin>", "", {}})); }
SourceManager::~SourceManager() = default;

FileId SourceManager::AddBuffer(std::string name, std::string text) {
  files_.push_back(std::make_unique<File>(File{std::move(name), std::move(text), {}}));
  return static_cast<FileId>(files_.size() - 1);
}

std::optional<FileId> SourceManager::AddFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return AddBuffer(path, buffer.str());
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
