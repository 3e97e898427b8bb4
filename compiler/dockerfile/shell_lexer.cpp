// BuildKit-compatible word expansion: quotes, escapes and ${...} substitution of one word.
#include "compiler/dockerfile/shell_lexer.h"

#include <optional>

#include "compiler/dockerfile/shell_pattern.h"
#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

constexpr int64_t kEof = -1;
// Nested ${a:-${b:-...}} deeper than this is refused rather than risking the stack.
constexpr int kMaxDepth = 200;

// Accumulates words split on unquoted white space, as BuildKit's wordsStruct does.
class Words {
 public:
  void AddChar(uint32_t c) {
    if (IsSpaceRune(c) && in_word_) {
      if (!word_.empty()) {
        words_.push_back(std::move(word_));
        word_.clear();
        in_word_ = false;
      }
    } else if (!IsSpaceRune(c)) {
      AddRawChar(c);
    }
  }
  void AddRawChar(uint32_t c) {
    AppendRune(word_, c);
    in_word_ = true;
  }
  void AddString(std::string_view text) {
    for (size_t pos = 0; pos < text.size();) {
      Rune rune = DecodeRune(text, pos);
      AddChar(rune.value);
      pos += rune.width;
    }
  }
  void AddRawString(std::string_view text) {
    word_ += text;
    in_word_ = true;
  }
  std::vector<std::string> Take() {
    if (!word_.empty()) {
      words_.push_back(std::move(word_));
      word_.clear();
      in_word_ = false;
    }
    return std::move(words_);
  }

 private:
  std::string word_;
  std::vector<std::string> words_;
  bool in_word_ = false;
};

struct Failure {
  std::string message;
};

class Expander {
 public:
  Expander(std::string_view text, const ShellEnv& env, const ShellOptions& options,
           ShellResult& result)
      : env_(env), options_(options), result_(result) {
    for (size_t pos = 0; pos < text.size();) {
      Rune rune = DecodeRune(text, pos);
      runes_.push_back(rune.value);
      pos += rune.width;
    }
  }

  // Returns false with failure_ set on error.
  bool Run() {
    std::string word;
    std::vector<std::string> words;
    if (!ProcessStopOn(kEof, options_.raw_escapes, word, &words)) return false;
    result_.word = std::move(word);
    result_.words = std::move(words);
    return true;
  }
  std::string failure_;

 private:
  int64_t Peek() const { return pos_ < runes_.size() ? runes_[pos_] : kEof; }
  int64_t Next() { return pos_ < runes_.size() ? runes_[pos_++] : kEof; }
  bool Fail(std::string message) {
    failure_ = std::move(message);
    return false;
  }

  std::optional<std::string> Lookup(const std::string& name) {
    auto it = env_.find(name);
    if (it == env_.end()) {
      result_.unmatched.insert(name);
      return std::nullopt;
    }
    result_.matched.insert(name);
    return it->second;
  }

  bool ProcessStopOn(int64_t stop, bool raw_escapes, std::string& out,
                     std::vector<std::string>* words_out) {
    if (++depth_ > kMaxDepth) return Fail("expansion nested too deeply");
    Words words;
    while (Peek() != kEof) {
      int64_t c = Peek();
      if (stop != kEof && c == stop) {
        Next();
        --depth_;
        if (words_out) *words_out = words.Take();
        return true;
      }
      bool quote = !options_.skip_process_quotes && (c == '\'' || c == '"');
      if (c == '$' || quote) {
        std::string piece;
        bool ok = c == '$' ? ProcessDollar(piece)
                           : (c == '\'' ? ProcessSingleQuote(piece) : ProcessDoubleQuote(piece));
        if (!ok) return false;
        out += piece;
        if (c == '$')
          words.AddString(piece);
        else
          words.AddRawString(piece);
        continue;
      }
      uint32_t ch = static_cast<uint32_t>(Next());
      if (ch == options_.escape_token) {
        if (raw_escapes) {
          words.AddRawChar(ch);
          AppendRune(out, ch);
        }
        int64_t escaped = Next();
        if (escaped == kEof) break;  // an escape at the end of the word is dropped
        ch = static_cast<uint32_t>(escaped);
        words.AddRawChar(ch);
      } else {
        words.AddChar(ch);
      }
      AppendRune(out, ch);
    }
    --depth_;
    if (stop != kEof) {
      std::string shown;
      AppendRune(shown, static_cast<uint32_t>(stop));
      return Fail("unexpected end of statement while looking for matching " + shown);
    }
    if (words_out) *words_out = words.Take();
    return true;
  }

  bool ProcessSingleQuote(std::string& out) {
    Next();
    if (options_.raw_quotes) out += '\'';
    for (;;) {
      int64_t c = Next();
      if (c == kEof)
        return Fail("unexpected end of statement while looking for matching single-quote");
      if (c == '\'') break;
      AppendRune(out, static_cast<uint32_t>(c));
    }
    if (options_.raw_quotes) out += '\'';
    return true;
  }

  bool ProcessDoubleQuote(std::string& out) {
    Next();
    if (options_.raw_quotes) out += '"';
    for (;;) {
      int64_t c = Peek();
      if (c == kEof)
        return Fail("unexpected end of statement while looking for matching double-quote");
      if (c == '"') {
        Next();
        break;
      }
      if (c == '$') {
        std::string piece;
        if (!ProcessDollar(piece)) return false;
        out += piece;
        continue;
      }
      c = Next();
      if (c == options_.escape_token) {
        int64_t after = Peek();
        if (after == kEof) continue;  // an escape at the end is dropped (then EOF fails)
        // Only `"`, `$` and the escape token itself can be escaped inside double quotes.
        if (after == '"' || after == '$' || after == options_.escape_token) {
          if (options_.raw_escapes) AppendRune(out, static_cast<uint32_t>(c));
          c = Next();
        }
      }
      AppendRune(out, static_cast<uint32_t>(c));
    }
    if (options_.raw_quotes) out += '"';
    return true;
  }

  // A name: letters, digits and `_`; or all digits (positional); or one special character.
  std::string ProcessName() {
    std::string name;
    while (Peek() != kEof) {
      uint32_t c = static_cast<uint32_t>(Peek());
      if (name.empty() && IsDigitRune(c)) {
        while (Peek() != kEof && IsDigitRune(static_cast<uint32_t>(Peek())))
          AppendRune(name, static_cast<uint32_t>(Next()));
        return name;
      }
      if (name.empty() && (c == '@' || c == '*' || c == '#' || c == '?' || c == '-' || c == '$' ||
                           c == '!' || c == '0')) {
        AppendRune(name, static_cast<uint32_t>(Next()));
        return name;
      }
      if (!IsLetterRune(c) && !IsDigitRune(c) && c != '_') break;
      AppendRune(name, static_cast<uint32_t>(Next()));
    }
    return name;
  }

  bool ProcessDollar(std::string& out) {
    Next();
    if (Peek() != '{') {
      std::string name = ProcessName();
      if (name.empty()) {
        out = "$";
        return true;
      }
      auto value = Lookup(name);
      if (!value && options_.skip_unset_env) {
        out = "$" + name;
        return true;
      }
      out = value.value_or("");
      return true;
    }
    Next();
    int64_t first = Peek();
    if (first == kEof) return Fail("syntax error: missing '}'");
    if (first == '{' || first == '}' || first == ':') return Fail("syntax error: bad substitution");
    std::string name = ProcessName();
    int64_t c = Next();
    if (c == kEof) return Fail("syntax error: missing '}'");
    std::string modifier;
    if (c != kEof) AppendRune(modifier, static_cast<uint32_t>(c));
    if (c == '}') {
      auto value = Lookup(name);
      if (!value && options_.skip_unset_env) {
        out = "${" + name + "}";
        return true;
      }
      out = value.value_or("");
      return true;
    }
    bool null_is_unset = false;
    if (c == ':') {
      null_is_unset = true;
      c = Next();
      if (c != kEof) AppendRune(modifier, static_cast<uint32_t>(c));
    }
    if (c == '/' && !null_is_unset) return ProcessReplace(name, out);
    if (null_is_unset || c == '+' || c == '-' || c == '?' || c == '#' || c == '%') {
      bool raw = c == '#' || c == '%';
      if (null_is_unset && raw)
        return Fail("unsupported modifier (" + modifier + ") in substitution");
      std::string word;
      if (!ProcessStopOn('}', raw, word, nullptr)) {
        if (Peek() == kEof) failure_ = "syntax error: missing '}'";
        return false;
      }
      auto value = Lookup(name);
      if (!value && options_.skip_unset_env) {
        out = "${" + name + modifier + word + "}";
        return true;
      }
      bool set = value.has_value();
      bool empty_or_unset = !set || (null_is_unset && value->empty());
      switch (c) {
        case '-':
          out = empty_or_unset ? word : *value;
          return true;
        case '+':
          out = empty_or_unset ? "" : word;
          return true;
        case '?':
          if (!set) return Fail(name + ": " + (word.empty() ? "is not allowed to be unset" : word));
          if (null_is_unset && value->empty())
            return Fail(name + ": " + (word.empty() ? "is not allowed to be empty" : word));
          out = *value;
          return true;
        case '#':
        case '%': {
          bool greedy = !word.empty() && word[0] == static_cast<char>(c);
          if (greedy) word.erase(0, 1);
          std::string error;
          auto trimmed = c == '%' ? TrimPatternSuffix(word, value.value_or(""), greedy, &error)
                                  : TrimPatternPrefix(word, value.value_or(""), greedy, &error);
          if (!trimmed) return Fail("invalid pattern (" + word + ") in substitution: " + error);
          out = std::move(*trimmed);
          return true;
        }
        default:
          return Fail("unsupported modifier (" + modifier + ") in substitution");
      }
    }
    return Fail("unsupported modifier (" + modifier + ") in substitution");
  }

  bool ProcessReplace(const std::string& name, std::string& out) {
    bool all = Peek() == '/';
    if (all) Next();
    std::string pattern, replacement;
    if (!ProcessStopOn('/', true, pattern, nullptr)) {
      if (Peek() == kEof) failure_ = "syntax error: missing '/' in ${}";
      return false;
    }
    if (!ProcessStopOn('}', true, replacement, nullptr)) {
      if (Peek() == kEof) failure_ = "syntax error: missing '}'";
      return false;
    }
    auto value = Lookup(name);
    if (!value && options_.skip_unset_env) {
      out = "${" + name + "/" + pattern + "/" + replacement + "}";
      return true;
    }
    std::string error;
    auto replaced = ReplacePattern(pattern, value.value_or(""), replacement, all, &error);
    if (!replaced) return Fail("invalid pattern (" + pattern + ") in substitution: " + error);
    out = std::move(*replaced);
    return true;
  }

  const ShellEnv& env_;
  const ShellOptions& options_;
  ShellResult& result_;
  std::vector<uint32_t> runes_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

ShellResult ShellLexer::Process(std::string_view text, const ShellEnv& env) const {
  ShellResult result;
  Expander expander(text, env, options_, result);
  if (!expander.Run()) {
    result.ok = false;
    result.error = expander.failure_;
    result.word.clear();
    result.words.clear();
  }
  return result;
}

}  // namespace strata::dockerfile
