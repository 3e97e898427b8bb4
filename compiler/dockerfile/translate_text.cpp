// Strata source text for strings and names, for the Dockerfile translation.
#include <cctype>

#include "compiler/dockerfile/translate.h"
#include "compiler/syntax/string_literals.h"

namespace strata::dockerfile {
namespace {

// An indented string reads back as `text` when some line with content starts without a
// space (so stripping removes exactly our indentation) and no `''` escapes get in the way.
bool IndentedIsExact(const std::string& text) {
  if (text.find('\n') == std::string::npos) return false;
  if (text.find("''") != std::string::npos || text.find("'${") != std::string::npos) return false;
  if (text.find('\r') != std::string::npos) return false;
  if (text.back() == '\'') return false;
  size_t last = text.rfind('\n');
  std::string tail = text.substr(last + 1);
  if (!tail.empty() && tail.find_first_not_of(' ') == std::string::npos) return false;
  bool flush_left = false;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    size_t first = line.find_first_not_of(' ');
    if (first == 0) flush_left = true;
    begin = end + 1;
  }
  return flush_left;
}

}  // namespace

std::string StrataString(const std::string& text, bool allow_indented, size_t indent) {
  if (!allow_indented || !IndentedIsExact(text)) return syntax::QuoteString(text);
  std::string pad(indent, ' ');
  std::string out = "''\n";
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    bool last = end == std::string::npos;
    if (last) end = text.size();
    std::string line = text.substr(begin, end - begin);
    if (!line.empty()) out += pad;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '$' && i + 1 < line.size() && line[i + 1] == '{') out += "''";
      out += line[i];
    }
    if (last) return out + "''";
    out += '\n';
    begin = end + 1;
  }
  return out + std::string(indent >= 2 ? indent - 2 : 0, ' ') + "''";
}

}  // namespace strata::dockerfile
