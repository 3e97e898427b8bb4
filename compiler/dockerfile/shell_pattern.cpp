// Shell glob patterns (`*`, `?`, `[a-z]`, `\x`) for the ${v#p} ${v%p} ${v/p/r} expansions.
//
// BuildKit converts the pattern to a regular expression; this matcher works on code points
// with a dynamic program instead, which gives the shell's shortest/longest semantics directly.
#include "compiler/dockerfile/shell_pattern.h"

#include <algorithm>
#include <vector>

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

struct Token {
  enum class Kind { kLiteral, kAny, kStar, kClass } kind = Kind::kLiteral;
  uint32_t rune = 0;
  bool negated = false;
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // for kClass

  bool Matches(uint32_t c) const {
    switch (kind) {
      case Kind::kLiteral:
        return c == rune;
      case Kind::kAny:
        return true;
      case Kind::kStar:
        return true;
      case Kind::kClass: {
        bool in = std::any_of(ranges.begin(), ranges.end(),
                              [&](auto r) { return c >= r.first && c <= r.second; });
        return in != negated;
      }
    }
    return false;
  }
};

std::vector<uint32_t> Decode(std::string_view text) {
  std::vector<uint32_t> runes;
  for (size_t pos = 0; pos < text.size();) {
    Rune rune = DecodeRune(text, pos);
    runes.push_back(rune.value);
    pos += rune.width;
  }
  return runes;
}

std::string Encode(const std::vector<uint32_t>& runes, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) AppendRune(out, runes[i]);
  return out;
}

std::optional<std::vector<Token>> Compile(std::string_view pattern, std::string* error) {
  std::vector<uint32_t> p = Decode(pattern);
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.size(); ++i) {
    Token token;
    uint32_t c = p[i];
    if (c == '*') {
      token.kind = Token::Kind::kStar;
    } else if (c == '?') {
      token.kind = Token::Kind::kAny;
    } else if (c == '\\') {
      if (i + 1 < p.size() && (p[i + 1] == '}' || p[i + 1] == '/')) {
        token.rune = p[++i];
      } else if (i + 1 < p.size() && (p[i + 1] == '*' || p[i + 1] == '?' || p[i + 1] == '\\' ||
                                      p[i + 1] == '[' || p[i + 1] == ']')) {
        token.rune = p[++i];
      } else {
        std::string shown;
        if (i + 1 < p.size()) AppendRune(shown, p[i + 1]);
        *error = "invalid escape '\\" + shown + "'";
        return std::nullopt;
      }
    } else if (c == '[') {
      // A bracket expression; without a closing bracket the `[` is literal.
      size_t j = i + 1;
      Token cls;
      cls.kind = Token::Kind::kClass;
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) cls.negated = true, ++j;
      size_t first = j;
      bool closed = false;
      while (j < p.size()) {
        if (p[j] == ']' && j > first) {
          closed = true;
          break;
        }
        uint32_t lo = p[j];
        if (lo == '\\' && j + 1 < p.size()) lo = p[++j];
        uint32_t hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          hi = p[j + 2];
          if (hi == '\\' && j + 3 < p.size()) hi = p[++j + 2];
          j += 2;
        }
        cls.ranges.emplace_back(lo, hi);
        ++j;
      }
      if (closed) {
        tokens.push_back(std::move(cls));
        i = j;
        continue;
      }
      token.rune = '[';
    } else {
      token.rune = c;
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

// reach[j] is true when tokens match text[begin, begin + j); reverse walks both backwards.
std::vector<char> Reach(const std::vector<Token>& tokens, const std::vector<uint32_t>& text,
                        size_t begin, bool reverse) {
  size_t n = text.size() - begin;
  if (reverse) n = text.size();
  std::vector<char> cur(n + 1, 0), next(n + 1, 0);
  cur[0] = 1;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const Token& token = tokens[reverse ? tokens.size() - 1 - t : t];
    std::fill(next.begin(), next.end(), 0);
    if (token.kind == Token::Kind::kStar) {
      char any = 0;
      for (size_t j = 0; j <= n; ++j) next[j] = any = any || cur[j];
    } else {
      for (size_t j = 0; j < n; ++j) {
        uint32_t c = reverse ? text[text.size() - 1 - j] : text[begin + j];
        if (cur[j] && token.Matches(c)) next[j + 1] = 1;
      }
    }
    std::swap(cur, next);
  }
  return cur;
}

}  // namespace

std::optional<std::string> TrimPatternPrefix(std::string_view pattern, std::string_view value,
                                             bool greedy, std::string* error) {
  auto tokens = Compile(pattern, error);
  if (!tokens) return std::nullopt;
  std::vector<uint32_t> text = Decode(value);
  std::vector<char> reach = Reach(*tokens, text, 0, false);
  for (size_t k = 0; k <= text.size(); ++k) {
    size_t len = greedy ? text.size() - k : k;
    if (reach[len]) return Encode(text, len, text.size());
  }
  return std::string(value);
}

std::optional<std::string> TrimPatternSuffix(std::string_view pattern, std::string_view value,
                                             bool greedy, std::string* error) {
  auto tokens = Compile(pattern, error);
  if (!tokens) return std::nullopt;
  std::vector<uint32_t> text = Decode(value);
  std::vector<char> reach = Reach(*tokens, text, 0, true);
  for (size_t k = 0; k <= text.size(); ++k) {
    size_t len = greedy ? text.size() - k : k;
    if (reach[len]) return Encode(text, 0, text.size() - len);
  }
  return std::string(value);
}

std::optional<std::string> ReplacePattern(std::string_view pattern, std::string_view value,
                                          std::string_view replacement, bool all,
                                          std::string* error) {
  auto tokens = Compile(pattern, error);
  if (!tokens) return std::nullopt;
  std::vector<uint32_t> text = Decode(value);
  std::string out;
  size_t pos = 0;
  bool replaced = false;
  // Like Go's ReplaceAllString: an empty match abutting the previous match is ignored.
  size_t previous_end = std::string::npos;
  while (pos <= text.size() && (all || !replaced)) {
    std::vector<char> reach = Reach(*tokens, text, pos, false);
    std::optional<size_t> len;
    for (size_t j = reach.size(); j-- > 0;)
      if (reach[j]) {
        len = j;
        break;
      }
    if (len && !(*len == 0 && previous_end == pos)) {
      out += replacement;
      replaced = true;
      pos += *len;
      previous_end = pos;
      if (*len > 0) continue;
    }
    if (pos < text.size()) AppendRune(out, text[pos]);
    ++pos;
  }
  if (pos < text.size()) out += Encode(text, pos, text.size());
  return out;
}

}  // namespace strata::dockerfile
