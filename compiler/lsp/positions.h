// LSP positions (0-based line, UTF-16 code units) to and from byte offsets into UTF-8 text.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace strata::lsp {

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;  // UTF-16 code units from the line's start
};

// The line starts of one text, for mapping both ways. `text` must outlive the index.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // The position of a byte offset (clamped to the text; an offset inside a UTF-8 sequence
  // counts as the start of that character).
  Position ToPosition(uint32_t offset) const;
  // The byte offset of a position; a character past the line's end gives the line's end
  // (before its line break), a line past the last gives the text's end.
  uint32_t ToOffset(Position position) const;
  size_t line_count() const { return starts_.size(); }

 private:
  std::string_view text_;
  std::vector<uint32_t> starts_;
};

}  // namespace strata::lsp
