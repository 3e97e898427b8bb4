// Splits one logical line into an instruction: name, `--flags`, and arguments by kind.
//
// Re-implements BuildKit's parser/line_parsers.go behaviour: shell-form arguments keep their
// quotes (expansion removes them later), COPY/ADD/VOLUME/FROM/EXPOSE split on ASCII blanks,
// a `[`-prefixed argument that is valid JSON must be an array of strings.
#include "compiler/dockerfile/line_parser.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "compiler/dockerfile/shell_lexer.h"
#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

struct Piece {
  std::string text;
  size_t begin = 0;  // offsets in the logical line
  size_t end = 0;
};

class CommandParser {
 public:
  CommandParser(const LogicalLine& line, uint32_t escape, diag::DiagnosticEngine& diags)
      : line_(line), escape_(escape), diags_(diags) {}

  bool Parse(size_t begin, Instruction& out) {
    std::string_view all = std::string_view(line_.text).substr(begin);
    std::string_view trimmed = TrimSpace(all);
    size_t start = line_.OffsetOf(trimmed);
    size_t name_len = 0;
    while (name_len < trimmed.size() && !IsArgSpace(trimmed[name_len])) ++name_len;
    out.name = std::string(trimmed.substr(0, name_len));
    out.kind = KindFromName(out.name);
    out.name_range = line_.Range(start, start + name_len);
    out.range = line_.Range(start, start + trimmed.size());
    out.original = std::string(trimmed);
    size_t rest = name_len;
    while (rest < trimmed.size() && IsArgSpace(trimmed[rest])) ++rest;
    if (rest == name_len) return true;  // no arguments
    size_t args_begin = ExtractFlags(start + rest, start + trimmed.size(), out);
    std::string_view args = TrimSpace(
        std::string_view(line_.text).substr(args_begin, start + trimmed.size() - args_begin));
    return ParseArgs(args, out);
  }

 private:
  diag::SourceRange Range(size_t begin, size_t end) const { return line_.Range(begin, end); }
  diag::SourceRange RangeOf(std::string_view view) const {
    size_t begin = line_.OffsetOf(view);
    return Range(begin, begin + view.size());
  }
  bool Error(diag::SourceRange range, std::string message) {
    diags_.Error(range, std::move(message));
    return false;
  }

  // BuildKit's extractBuilderFlags: leading words that start with `--`, quotes removed,
  // `\` escapes (always backslash), a bare `--` ends them. Returns where arguments start.
  size_t ExtractFlags(size_t pos, size_t end, Instruction& out) {
    const std::string& s = line_.text;
    enum { kSpaces, kWord, kQuote } phase = kSpaces;
    std::string word;
    size_t word_begin = pos;
    char quote = 0;
    bool blank_ok = false;
    auto emit = [&](size_t word_end) {
      if (!(blank_ok || !word.empty())) return;
      Flag flag;
      std::string body = word.substr(2);
      size_t eq = body.find('=');
      flag.name = body.substr(0, eq);
      if (eq != std::string::npos) flag.value = body.substr(eq + 1);
      flag.range = Range(word_begin, word_end);
      out.flags.push_back(std::move(flag));
    };
    for (; pos <= end; ++pos) {
      char ch = pos < end ? s[pos] : 0;
      if (phase == kSpaces) {
        if (pos == end) break;
        if (IsSpaceByte(ch)) continue;
        if (ch != '-' || pos + 1 == end || s[pos + 1] != '-') return pos;
        phase = kWord;
        word_begin = pos;
      }
      if (pos == end) {
        if (word != "--") emit(pos);
        break;
      }
      if (phase == kWord) {
        if (IsSpaceByte(ch)) {
          phase = kSpaces;
          if (word == "--") return pos;
          emit(pos);
          word.clear();
          blank_ok = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blank_ok = true;
          phase = kQuote;
          continue;
        }
        if (ch == '\\') {
          if (pos + 1 == end) continue;
          ch = s[++pos];
        }
        word += ch;
        continue;
      }
      // kQuote
      if (ch == quote) {
        phase = kWord;
        continue;
      }
      if (ch == '\\') {
        if (pos + 1 == end) {
          phase = kWord;
          continue;
        }
        ch = s[++pos];
      }
      word += ch;
    }
    return end;
  }

  bool ParseArgs(std::string_view args, Instruction& out) {
    switch (out.kind) {
      case InstructionKind::kAdd:
      case InstructionKind::kCopy:
      case InstructionKind::kVolume:
        return MaybeJsonToList(args, out);
      case InstructionKind::kCmd:
      case InstructionKind::kEntrypoint:
      case InstructionKind::kRun:
      case InstructionKind::kShell:
        return MaybeJson(args, out);
      case InstructionKind::kArg:
        for (Piece& word : Words(args))
          out.args.push_back({word.text, Range(word.begin, word.end)});
        return true;
      case InstructionKind::kEnv:
      case InstructionKind::kLabel:
        return NameValue(args, out);
      case InstructionKind::kExpose:
      case InstructionKind::kFrom:
        WhitespaceDelimited(args, out);
        return true;
      case InstructionKind::kHealthcheck:
        return HealthConfig(args, out);
      case InstructionKind::kMaintainer:
      case InstructionKind::kStopSignal:
      case InstructionKind::kUser:
      case InstructionKind::kWorkdir:
        if (!args.empty()) out.args.push_back({std::string(args), RangeOf(args)});
        return true;
      case InstructionKind::kOnbuild: {
        if (args.empty()) return true;
        out.trigger = std::make_unique<Instruction>();
        return CommandParser(line_, escape_, diags_).Parse(line_.OffsetOf(args), *out.trigger);
      }
      case InstructionKind::kUnknown:
        return true;  // BuildKit ignores the arguments; validation reports the name
    }
    return true;
  }

  void WhitespaceDelimited(std::string_view args, Instruction& out) {
    size_t i = 0;
    if (args.empty()) return;
    // regexp.Split on `[\t\v\f\r ]+`: the trimmed text has no leading or trailing blanks
    // except non-ASCII spaces, which are not separators here.
    while (i <= args.size()) {
      size_t j = i;
      while (j < args.size() && !IsArgSpace(args[j])) ++j;
      std::string_view piece = args.substr(i, j - i);
      out.args.push_back({std::string(piece), RangeOf(piece)});
      if (j == args.size()) break;
      while (j < args.size() && IsArgSpace(args[j])) ++j;
      i = j;
    }
  }

  // The JSON array form: nullopt when `args` is not a JSON array (the caller takes another
  // form); else whether it parsed (an array of non-strings is an error, reported).
  std::optional<bool> JsonArray(std::string_view args, Instruction& out) {
    std::string_view text = TrimLeftSpace(args);
    if (text.empty() || text[0] != '[') return std::nullopt;
    nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
    if (value.is_discarded() || !value.is_array()) return std::nullopt;
    for (const auto& element : value)
      if (!element.is_string())
        return Error(RangeOf(args),
                     "when using JSON array syntax, arrays must be comprised of strings only");
    diag::SourceRange range = RangeOf(args);
    for (const auto& element : value) out.args.push_back({element.get<std::string>(), range});
    out.json_form = true;
    return true;
  }

  bool MaybeJson(std::string_view args, Instruction& out) {
    if (args.empty()) return true;
    if (std::optional<bool> parsed = JsonArray(args, out)) return *parsed;
    out.args.push_back({std::string(args), RangeOf(args)});
    return true;
  }

  bool MaybeJsonToList(std::string_view args, Instruction& out) {
    if (std::optional<bool> parsed = JsonArray(args, out)) return *parsed;
    WhitespaceDelimited(args, out);
    return true;
  }

  bool HealthConfig(std::string_view args, Instruction& out) {
    size_t sep = 0;
    while (sep < args.size() && !IsSpaceByte(args[sep])) ++sep;
    size_t next = sep;
    while (next < args.size() && IsSpaceByte(args[next])) ++next;
    if (sep == 0) return true;
    std::string_view type = args.substr(0, sep);
    out.args.push_back({std::string(type), RangeOf(type)});
    return MaybeJson(args.substr(next), out);
  }

  // BuildKit's parseWords: words split on white space; quotes and escapes are kept.
  std::vector<Piece> Words(std::string_view rest) {
    enum { kSpaces, kWord, kQuote } phase = kSpaces;
    std::vector<Piece> words;
    Piece word;
    uint32_t quote = 0;
    bool blank_ok = false;
    size_t base = line_.OffsetOf(rest);
    size_t width = 0;
    uint32_t ch = 0;
    for (size_t pos = 0; pos <= rest.size(); pos += width) {
      if (pos != rest.size()) {
        Rune rune = DecodeRune(rest, pos);
        ch = rune.value, width = rune.width;
      } else {
        width = 1;
      }
      if (phase == kSpaces) {
        if (pos == rest.size()) break;
        if (IsSpaceRune(ch)) continue;
        phase = kWord;
        word.begin = base + pos;
      }
      if (pos == rest.size()) {
        if (blank_ok || !word.text.empty()) {
          word.end = base + pos;
          words.push_back(word);
        }
        break;
      }
      if (phase == kWord) {
        if (IsSpaceRune(ch)) {
          phase = kSpaces;
          if (blank_ok || !word.text.empty()) {
            word.end = base + pos;
            words.push_back(word);
          }
          word = Piece();
          blank_ok = false;
          continue;
        }
        if (ch == '\'' || ch == '"') {
          quote = ch;
          blank_ok = true;
          phase = kQuote;
        }
        if (ch == escape_) {
          if (pos + width == rest.size()) continue;  // an escape at the end is dropped
          AppendRune(word.text, ch);
          pos += width;
          Rune rune = DecodeRune(rest, pos);
          ch = rune.value, width = rune.width;
        }
        AppendRune(word.text, ch);
        continue;
      }
      // kQuote
      if (ch == quote) phase = kWord;
      if (ch == escape_ && quote != '\'') {
        if (pos + width == rest.size()) {
          phase = kWord;
          continue;
        }
        pos += width;
        AppendRune(word.text, ch);
        Rune rune = DecodeRune(rest, pos);
        ch = rune.value, width = rune.width;
      }
      AppendRune(word.text, ch);
    }
    return words;
  }

  // ENV and LABEL: `k=v k2=v2` or the legacy `k v w` (value: the rest of the line).
  bool NameValue(std::string_view rest, Instruction& out) {
    std::vector<Piece> words = Words(rest);
    if (words.empty()) return true;
    const char* what = out.kind == InstructionKind::kEnv ? "ENV" : "LABEL";
    if (words[0].text.find('=') == std::string::npos) {
      size_t key_end = 0;
      while (key_end < rest.size() && !IsArgSpace(rest[key_end])) ++key_end;
      size_t value_begin = key_end;
      while (value_begin < rest.size() && IsArgSpace(rest[value_begin])) ++value_begin;
      if (key_end == rest.size())
        return Error(RangeOf(rest), std::string(what) + " " + std::string(rest) +
                                        " has no value: use " + what + " " + std::string(rest) +
                                        "=<value>");
      std::string_view key = rest.substr(0, key_end), value = rest.substr(value_begin);
      out.args.push_back({std::string(key), RangeOf(key)});
      out.args.push_back({std::string(value), RangeOf(value)});
      out.args.push_back({"", RangeOf(value)});
      return true;
    }
    for (const Piece& word : words) {
      size_t eq = word.text.find('=');
      if (eq == std::string::npos)
        return Error(Range(word.begin, word.end), "syntax error - can't find = in \"" + word.text +
                                                      "\". Must be of the form: name=value");
      diag::SourceRange range = Range(word.begin, word.end);
      out.args.push_back({word.text.substr(0, eq), range});
      out.args.push_back({word.text.substr(eq + 1), range});
      out.args.push_back({"=", range});
    }
    return true;
  }

  const LogicalLine& line_;
  uint32_t escape_;
  diag::DiagnosticEngine& diags_;
};

}  // namespace

bool ParseCommand(const LogicalLine& line, size_t begin, uint32_t escape_token, Instruction& out,
                  diag::DiagnosticEngine& diags) {
  return CommandParser(line, escape_token, diags).Parse(begin, out);
}

bool CanContainHeredoc(const Instruction& instruction) {
  const Instruction* target = &instruction;
  if (instruction.kind == InstructionKind::kOnbuild && instruction.trigger)
    target = instruction.trigger.get();
  InstructionKind kind = target->kind;
  if (kind != InstructionKind::kRun && kind != InstructionKind::kCopy &&
      kind != InstructionKind::kAdd)
    return false;
  return !target->json_form;
}

std::vector<Heredoc> HeredocsFromLine(std::string_view line, std::string* error) {
  ShellOptions raw;
  raw.raw_quotes = true;
  raw.raw_escapes = true;
  ShellEnv empty;
  ShellResult lexed = ShellLexer(raw).ProcessWords(line, empty);
  std::vector<Heredoc> docs;
  if (!lexed.ok) return docs;  // BuildKit ignores lexing errors here
  for (const std::string& word : lexed.words) {
    // ^(\d*)<<(-?)([^<]*)$
    size_t i = 0;
    while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) ++i;
    if (word.compare(i, 2, "<<") != 0) continue;
    std::string digits = word.substr(0, i);
    i += 2;
    bool chomp = i < word.size() && word[i] == '-';
    if (chomp) ++i;
    std::string rest = word.substr(i);
    if (rest.find('<') != std::string::npos || rest.empty()) continue;
    unsigned long fd = 0;
    if (!digits.empty()) {
      if (digits.size() > 9) {
        *error = "invalid file descriptor in heredoc: " + digits;
        return {};
      }
      fd = std::stoul(digits);
    }
    ShellOptions opts;
    opts.skip_unset_env = true;
    ShellResult plain = ShellLexer(opts).ProcessWords(rest, empty);
    if (!plain.ok) {
      *error = plain.error;
      return {};
    }
    if (plain.words.size() != 1) continue;
    opts.raw_quotes = true;
    ShellResult quoted = ShellLexer(opts).ProcessWords(rest, empty);
    if (!quoted.ok || quoted.words.size() != 1) {
      *error = "internal lexing of heredoc produced inconsistent results: " + rest;
      return {};
    }
    auto quotes = [](const std::string& s) {
      size_t n = 0;
      for (char c : s) n += c == '\'' || c == '"';
      return n;
    };
    Heredoc doc;
    doc.name = plain.words[0];
    doc.expand = quotes(plain.words[0]) == quotes(quoted.words[0]);
    doc.strip_tabs = chomp;
    doc.fd = static_cast<unsigned>(fd);
    docs.push_back(std::move(doc));
  }
  return docs;
}

}  // namespace strata::dockerfile
