// Byte offsets to LSP positions and back, counting UTF-16 code units as the protocol says.
#include "compiler/lsp/positions.h"

#include <algorithm>

namespace strata::lsp {
namespace {

// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte, so
// malformed text still advances).
uint32_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

LineIndex::LineIndex(std::string_view text) : text_(text) {
  starts_.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(i + 1);
}

Position LineIndex::ToPosition(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, static_cast<uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - starts_.begin()) - 1;
  uint32_t units = 0;
  for (uint32_t i = starts_[line]; i < offset;) {
    uint32_t length = SequenceLength(static_cast<unsigned char>(text_[i]));
    if (i + length > offset) break;  // inside a character: its start
    units += length == 4 ? 2 : 1;    // outside the BMP: a surrogate pair
    i += length;
  }
  return {line, units};
}

uint32_t LineIndex::ToOffset(Position position) const {
  if (position.line >= starts_.size()) return static_cast<uint32_t>(text_.size());
  uint32_t i = starts_[position.line];
  bool last = position.line + 1 == starts_.size();
  uint32_t end = last ? static_cast<uint32_t>(text_.size()) : starts_[position.line + 1] - 1;
  if (!last && end > i && text_[end - 1] == '\r') --end;  // CR LF: the line ends before the CR
  uint32_t units = 0;
  while (i < end && units < position.character) {
    uint32_t length = SequenceLength(static_cast<unsigned char>(text_[i]));
    units += length == 4 ? 2 : 1;
    i = std::min(i + length, end);
  }
  return i;
}

}  // namespace strata::lsp
