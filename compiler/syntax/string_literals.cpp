// Decoding of string literals: escapes of "..." strings and indentation of ''...'' strings.
#include "compiler/syntax/string_literals.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace strata::syntax {

std::string DecodeEscapes(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      out += c;
      continue;
    }
    char next = raw[++i];
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      default:
        out += next;
        break;  // \" \\ \$ and, as in Nix, any other character
    }
  }
  return out;
}

void AppendText(std::vector<StringPiece>& pieces, std::string_view text) {
  if (text.empty()) return;
  if (!pieces.empty() && !pieces.back().expr)
    pieces.back().text.append(text);
  else
    pieces.push_back({std::string(text), nullptr});
}

namespace {

// Drops the first line when it holds only spaces (the line break after the opening `''`).
void DropFirstLine(std::vector<IndentedPiece>& pieces) {
  if (pieces.empty() || pieces.front().kind != IndentedPiece::Kind::kRaw) return;
  std::string& text = pieces.front().text;
  size_t newline = text.find('\n');
  if (newline == std::string::npos) return;
  if (text.find_first_not_of(" \r") < newline) return;
  text.erase(0, newline + 1);
}

// Drops a last line of only spaces (the indentation of the closing `''`).
void DropLastLine(std::vector<IndentedPiece>& pieces) {
  if (pieces.empty() || pieces.back().kind != IndentedPiece::Kind::kRaw) return;
  std::string& text = pieces.back().text;
  size_t newline = text.rfind('\n');
  if (newline == std::string::npos) return;
  if (text.find_first_not_of(' ', newline + 1) != std::string::npos) return;
  text.erase(newline + 1);
}

}  // namespace

std::vector<StringPiece> StripIndentation(std::vector<IndentedPiece> pieces) {
  DropFirstLine(pieces);
  DropLastLine(pieces);

  // The least indentation of lines with content.
  size_t min_indent = std::numeric_limits<size_t>::max();
  bool at_line_start = true;
  size_t indent = 0;
  for (const IndentedPiece& piece : pieces) {
    if (piece.kind != IndentedPiece::Kind::kRaw) {
      if (at_line_start) min_indent = std::min(min_indent, indent);
      at_line_start = false;
      continue;
    }
    for (char c : piece.text) {
      if (c == '\n') {
        at_line_start = true;
        indent = 0;
      } else if (at_line_start && c == ' ') {
        ++indent;
      } else if (at_line_start) {
        min_indent = std::min(min_indent, indent);
        at_line_start = false;
      }
    }
  }
  // No line has content: every line's spaces go, as in Nix (`''  ''` is "").

  // Strip up to min_indent leading spaces of every line.
  std::vector<StringPiece> out;
  at_line_start = true;
  size_t stripped = 0;
  for (IndentedPiece& piece : pieces) {
    if (piece.kind == IndentedPiece::Kind::kInterpolation) {
      at_line_start = false;
      out.push_back({"", piece.expr});
      continue;
    }
    if (piece.kind == IndentedPiece::Kind::kEscaped) {
      at_line_start = false;
      AppendText(out, piece.text);
      continue;
    }
    std::string text;
    for (char c : piece.text) {
      if (c == '\n') {
        at_line_start = true;
        stripped = 0;
        text += c;
      } else if (at_line_start && c == ' ' && stripped < min_indent) {
        ++stripped;
      } else {
        at_line_start = false;
        text += c;
      }
    }
    AppendText(out, text);
  }
  return out;
}

bool AppendBackslashEscape(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      return true;
    case '\\':
      out += "\\\\";
      return true;
    case '\n':
      out += "\\n";
      return true;
    case '\t':
      out += "\\t";
      return true;
    case '\r':
      out += "\\r";
      return true;
    default:
      return false;
  }
}

std::string QuoteString(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      out += "\\$";
    } else if (!AppendBackslashEscape(out, c)) {
      out += c;
    }
  }
  return out + '"';
}

bool IsPlainName(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {"let",    "in",      "if",     "then", "else",
                                                   "assert", "inherit", "import", "or",   "true",
                                                   "false",  "with",    "rec"};
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return std::find(std::begin(kKeywords), std::end(kKeywords), name) == std::end(kKeywords);
}

}  // namespace strata::syntax
