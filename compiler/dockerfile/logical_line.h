// One logical line: physical lines joined at their continuations, with a map back to the file.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "compiler/diag/source.h"

namespace strata::dockerfile {

struct LogicalLine {
  diag::FileId file = diag::kNoFile;
  std::string text;
  // (offset in text, offset in the file) at the start of each joined piece, ascending.
  std::vector<std::pair<uint32_t, uint32_t>> pieces;

  void Append(std::string_view piece, uint32_t file_offset) {
    pieces.emplace_back(static_cast<uint32_t>(text.size()), file_offset);
    text += piece;
  }
  uint32_t FileOffset(size_t pos) const {
    if (pieces.empty()) return 0;
    auto it = std::upper_bound(pieces.begin(), pieces.end(), std::make_pair(uint32_t(pos), ~0u));
    if (it != pieces.begin()) --it;
    return it->second + static_cast<uint32_t>(pos - it->first);
  }
  diag::SourceRange Range(size_t begin, size_t end) const {
    if (end < begin) end = begin;
    uint32_t file_begin = FileOffset(begin);
    uint32_t file_end = end > begin ? FileOffset(end - 1) + 1 : file_begin;
    return {file, file_begin, std::max(file_begin, file_end)};
  }
  // The offset of a view into `text`.
  size_t OffsetOf(std::string_view view) const {
    return static_cast<size_t>(view.data() - text.data());
  }
};

}  // namespace strata::dockerfile
