// .dockerignore pattern cleaning and matching (moby/patternmatcher semantics, no regexes).
#include "compiler/graph/ignore_patterns.h"

#include <cstdint>

#include "compiler/support/slash_path.h"

namespace strata::graph {
namespace {

std::string_view Trim(std::string_view s) {
  const char* kBlank = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(kBlank);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(kBlank);
  return s.substr(b, e - b + 1);
}

// One element of a compiled pattern.
struct Token {
  enum class Kind : uint8_t { kChar, kOne, kStar, kAny, kDirPrefix, kClass } kind;
  char c = 0;
  bool negated = false;
  std::vector<std::pair<unsigned char, unsigned char>> ranges = {};  // kClass
};

// Compiles a cleaned pattern the way patternmatcher builds its regular expression.
std::vector<Token> Compile(std::string_view p) {
  std::vector<Token> tokens;
  for (size_t i = 0; i < p.size(); ++i) {
    char ch = p[i];
    if (ch == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        ++i;
        if (i + 1 < p.size() && p[i + 1] == '/') ++i;  // `**/` is `**`
        // A leading `**` not followed by `/` before plain text is patternmatcher's suffix
        // match: `**file` matches `dir/xfile` too.
        bool suffix = i == 1 && p.size() > 2 && p[2] != '/' &&
                      p.find_first_of("*?[]\\", 2) == std::string_view::npos;
        if (i + 1 >= p.size() || suffix) {
          tokens.push_back({Token::Kind::kAny});  // trailing `**`: everything
        } else {
          tokens.push_back({Token::Kind::kDirPrefix});  // `(.*/)?`
        }
      } else {
        tokens.push_back({Token::Kind::kStar});
      }
    } else if (ch == '?') {
      tokens.push_back({Token::Kind::kOne});
    } else if (ch == '\\') {
      if (i + 1 < p.size())
        tokens.push_back({Token::Kind::kChar, p[++i]});
      else
        tokens.push_back({Token::Kind::kChar, '\\'});
    } else if (ch == '[') {
      // A regex character class: `[^...]` negates, `a-z` ranges, `\x` escapes.
      Token t{Token::Kind::kClass};
      size_t j = i + 1;
      if (j < p.size() && p[j] == '^') t.negated = true, ++j;
      bool closed = false;
      bool first = true;
      while (j < p.size()) {
        unsigned char lo = static_cast<unsigned char>(p[j]);
        if (lo == ']' && !first) {
          closed = true;
          break;
        }
        first = false;
        if (lo == '\\' && j + 1 < p.size()) lo = static_cast<unsigned char>(p[++j]);
        unsigned char hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          j += 2;
          hi = static_cast<unsigned char>(p[j]);
          if (hi == '\\' && j + 1 < p.size()) hi = static_cast<unsigned char>(p[++j]);
        }
        t.ranges.push_back({lo, hi});
        ++j;
      }
      if (!closed) {
        tokens.push_back({Token::Kind::kChar, '['});  // not a class: a literal bracket
        continue;
      }
      tokens.push_back(std::move(t));
      i = j;
    } else {
      tokens.push_back({Token::Kind::kChar, ch});
    }
  }
  return tokens;
}

bool ClassMatches(const Token& t, unsigned char c) {
  bool in = false;
  for (auto [lo, hi] : t.ranges) in |= c >= lo && c <= hi;
  return in != t.negated;
}

// Dynamic programming over (token, position): linear in both, no backtracking blow-up.
bool MatchTokens(const std::vector<Token>& tokens, std::string_view s) {
  const size_t n = s.size();
  std::vector<char> cur(n + 1, 0), next(n + 1, 0);
  cur[0] = 1;
  for (const Token& t : tokens) {
    std::fill(next.begin(), next.end(), 0);
    for (size_t j = 0; j <= n; ++j) {
      if (!cur[j]) continue;
      switch (t.kind) {
        case Token::Kind::kChar:
          if (j < n && s[j] == t.c) next[j + 1] = 1;
          break;
        case Token::Kind::kOne:
          if (j < n && s[j] != '/') next[j + 1] = 1;
          break;
        case Token::Kind::kClass:
          if (j < n && ClassMatches(t, static_cast<unsigned char>(s[j]))) next[j + 1] = 1;
          break;
        case Token::Kind::kStar:
          for (size_t k = j; k <= n; ++k) {
            next[k] = 1;
            if (k < n && s[k] == '/') break;
          }
          break;
        case Token::Kind::kAny:
          for (size_t k = j; k <= n; ++k) next[k] = 1;
          break;
        case Token::Kind::kDirPrefix:
          next[j] = 1;
          for (size_t k = j; k < n; ++k)
            if (s[k] == '/') next[k + 1] = 1;
          break;
      }
    }
    std::swap(cur, next);
  }
  return cur[n] != 0;
}

}  // namespace

std::string IgnorePatternError(const std::string& pattern) {
  if (pattern == "!") return "illegal exclusion pattern: \"!\"";
  bool in_class = false;
  for (size_t i = pattern[0] == '!' ? 1 : 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (++i == pattern.size())
        return "syntax error in pattern: \"" + pattern + "\" ends in an escape";
    } else if (!in_class && pattern[i] == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
    } else if (in_class && pattern[i] == ']') {
      in_class = false;
    }
  }
  if (in_class) return "syntax error in pattern: \"" + pattern + "\" has an unclosed [";
  return "";
}

std::string CleanIgnorePattern(std::string_view line) {
  // As Docker's ignore file reader: a comment starts in column 1; ` #x` is a pattern.
  if (!line.empty() && line[0] == '#') return {};
  std::string_view p = Trim(line);
  if (p.empty()) return {};
  bool invert = p[0] == '!';
  if (invert) p = Trim(p.substr(1));
  std::string out;
  if (!p.empty()) {
    out = support::CleanSlashPath(p);
    if (out.size() > 1 && out[0] == '/') out.erase(0, 1);
  }
  return invert ? "!" + out : out;
}

struct IgnoreMatcher::Impl {
  struct Pattern {
    std::vector<Token> tokens;
    bool exclusion = false;
  };
  std::vector<Pattern> patterns;
  bool has_exceptions = false;
};

IgnoreMatcher::IgnoreMatcher(const std::vector<std::string>& patterns) : impl_(new Impl) {
  for (const std::string& raw : patterns) {
    std::string_view p = raw;
    Impl::Pattern pattern;
    if (!p.empty() && p[0] == '!') {
      pattern.exclusion = true;
      impl_->has_exceptions = true;
      p.remove_prefix(1);
    }
    if (p.empty()) continue;
    pattern.tokens = Compile(p);
    impl_->patterns.push_back(std::move(pattern));
  }
}

IgnoreMatcher::~IgnoreMatcher() = default;
IgnoreMatcher::IgnoreMatcher(IgnoreMatcher&&) noexcept = default;
IgnoreMatcher& IgnoreMatcher::operator=(IgnoreMatcher&&) noexcept = default;

bool IgnoreMatcher::empty() const { return impl_->patterns.empty(); }
bool IgnoreMatcher::has_exceptions() const { return impl_->has_exceptions; }

bool IgnoreMatcher::IsIgnored(std::string_view rel) const {
  bool matched = false;
  for (const Impl::Pattern& pattern : impl_->patterns) {
    // An inclusion cannot change an already ignored path, nor an exception a kept one.
    if (pattern.exclusion != matched) continue;
    bool match = MatchTokens(pattern.tokens, rel);
    for (size_t slash = rel.find('/'); !match && slash != std::string_view::npos;
         slash = rel.find('/', slash + 1))
      match = MatchTokens(pattern.tokens, rel.substr(0, slash));
    if (match) matched = !pattern.exclusion;
  }
  return matched;
}

bool IgnoreMatcher::Matches(std::string_view pattern, std::string_view rel) {
  return MatchTokens(Compile(pattern), rel);
}

bool IsIgnoredByPatterns(const std::vector<std::string>& patterns, std::string_view rel) {
  return IgnoreMatcher(patterns).IsIgnored(rel);
}

}  // namespace strata::graph
