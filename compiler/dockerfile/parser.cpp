// Parses a Dockerfile (BuildKit's `docker/dockerfile:1` syntax) into instructions.
//
// The line loop follows BuildKit's parser.Parse: directives only before anything else, a
// comment or blank line inside a continued instruction is skipped, heredoc bodies are read
// right after the line that names them. As in BuildKit, the parse itself checks only syntax;
// instruction checks (names, flags, counts) are a separate step, so a dump shows lines a build
// refuses.
#include "compiler/dockerfile/parser.h"

#include <string_view>
#include <vector>

#include "compiler/dockerfile/decode.h"
#include "compiler/dockerfile/line_parser.h"
#include "compiler/dockerfile/logical_line.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/dockerfile/validate.h"

namespace strata::dockerfile {
namespace {

bool IsReSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

std::string_view TrimNewline(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool IsComment(std::string_view line) {
  std::string_view left = TrimLeftSpace(TrimNewline(line));
  return !left.empty() && left[0] == '#';
}

// `#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`; false when the line is no directive.
bool MatchDirective(std::string_view line, std::string& key, std::string& value) {
  size_t i = 0;
  if (line.empty() || line[0] != '#') return false;
  ++i;
  while (i < line.size() && IsReSpace(line[i])) ++i;
  size_t key_begin = i;
  if (i >= line.size() || !std::isalpha(static_cast<unsigned char>(line[i]))) return false;
  while (i < line.size() && std::isalnum(static_cast<unsigned char>(line[i]))) ++i;
  key = std::string(line.substr(key_begin, i - key_begin));
  while (i < line.size() && IsReSpace(line[i])) ++i;
  if (i >= line.size() || line[i] != '=') return false;
  ++i;
  while (i < line.size() && IsReSpace(line[i])) ++i;
  size_t end = line.size();
  while (end > i && IsReSpace(line[end - 1])) --end;
  if (end == i) return false;
  value = std::string(line.substr(i, end - i));
  return true;
}

class Parser {
 public:
  // `validate`: check each instruction as it is read, so a build's errors come in line order.
  Parser(const diag::SourceManager& sources, diag::FileId file, diag::DiagnosticEngine& diags,
         bool validate)
      : text_(sources.Text(file)), file_(file), diags_(diags), validate_(validate) {
    for (size_t pos = 0; pos < text_.size();) {
      size_t nl = text_.find('\n', pos);
      size_t end = nl == std::string_view::npos ? text_.size() : nl + 1;
      lines_.emplace_back(pos, end);
      pos = end;
    }
    result_.file = file;
  }

  Dockerfile Run() {
    size_t next = 0;
    std::vector<std::string> comments;
    // At most one instruction per line: one allocation instead of regrowing (and moving every
    // instruction) about log2(n) times.
    result_.instructions.reserve(lines_.size());
    while (next < lines_.size()) {
      size_t index = next++;
      std::string_view raw = Line(index);
      std::string_view trimmed = TrimLeftSpace(TrimNewline(raw));
      bool directive = PossibleDirective(trimmed, index);
      bool comment = !trimmed.empty() && trimmed[0] == '#';
      if (comment && !directive) {
        std::string_view body = TrimSpace(trimmed.substr(1));
        if (body.empty())
          comments.clear();
        else
          comments.emplace_back(body);
      }
      std::string_view content = comment ? std::string_view() : trimmed;
      bool end_of_line = TrimContinuation(content);
      if (end_of_line && content.empty()) continue;

      LogicalLine line;
      line.file = file_;
      line.Append(content, Offset(content));
      size_t empty_continuation = 0;
      while (!end_of_line && next < lines_.size()) {
        size_t cont = next++;
        std::string_view piece = TrimNewline(Line(cont));
        PossibleDirective(piece, cont);
        if (IsComment(piece)) continue;
        if (TrimLeftSpace(piece).empty()) {
          if (!empty_continuation) empty_continuation = cont + 1;
          continue;
        }
        end_of_line = TrimContinuation(piece);
        line.Append(piece, Offset(piece));
      }
      if (empty_continuation) {
        uint32_t at = static_cast<uint32_t>(lines_[empty_continuation - 1].first);
        diags_.Warning({file_, at, at},
                       "empty continuation line (it will become an error in a future release)");
      }

      Instruction instruction;
      bool ok = ParseCommand(line, 0, escape_, instruction, diags_);
      instruction.comments = std::move(comments);
      comments.clear();
      instruction.start_line = static_cast<uint32_t>(index + 1);
      if (ok && CanContainHeredoc(instruction) && line.text.find("<<") != std::string::npos)
        ReadHeredocs(line, instruction, next);
      instruction.end_line = static_cast<uint32_t>(next);
      if (ok) {
        if (validate_) ValidateInstruction(instruction, diags_);
        result_.instructions.push_back(std::move(instruction));
      }
    }
    if (result_.instructions.empty() && !diags_.has_errors())
      diags_.Error({file_, 0, 0}, "file with no instructions");
    if (validate_) ValidateStages(result_, diags_);
    result_.escape_token = escape_;
    return std::move(result_);
  }

 private:
  std::string_view Line(size_t index) const {
    return text_.substr(lines_[index].first, lines_[index].second - lines_[index].first);
  }
  uint32_t Offset(std::string_view view) const {
    return view.data() ? static_cast<uint32_t>(view.data() - text_.data()) : 0;
  }

  // Removes a trailing escape token (and blanks after it); true when the line ends here.
  // An escape token that follows another one is no continuation (`ENV C trailing\\` ends
  // the line), as BuildKit's `([^\\])\\[ \t]*$|^\\[ \t]*$` decides; like BuildKit, that also
  // holds for `foo \\\` (an escaped escape, then a lone one).
  bool TrimContinuation(std::string_view& line) const {
    size_t end = line.size();
    while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t')) --end;
    if (end > 0 && static_cast<unsigned char>(line[end - 1]) == escape_ &&
        (end == 1 || static_cast<unsigned char>(line[end - 2]) != escape_)) {
      line = line.substr(0, end - 1);
      return false;
    }
    return true;
  }

  // Parser directives are read until the first line that is not one.
  bool PossibleDirective(std::string_view line, size_t index) {
    if (directives_done_) return false;
    std::string key, value;
    if (!MatchDirective(line, key, value)) {
      directives_done_ = true;
      return false;
    }
    key = ToLowerAscii(key);
    if (key != "syntax" && key != "escape" && key != "check") {
      directives_done_ = true;
      return false;
    }
    diag::SourceRange range{file_, Offset(line), Offset(line) + static_cast<uint32_t>(line.size())};
    for (const Directive& seen : result_.directives)
      if (seen.name == key) {
        diags_.Error(range, "only one " + key + " parser directive can be used");
        return true;
      }
    if (key == "escape") {
      if (value != "`" && value != "\\")
        diags_.Error(range, "invalid escape token '" + value + "' does not match ` or \\");
      else
        escape_ = static_cast<unsigned char>(value[0]);
    }
    result_.directives.push_back({key, value, range});
    return true;
  }

  void ReadHeredocs(const LogicalLine& line, Instruction& instruction, size_t& next) {
    std::string error;
    std::vector<Heredoc> docs = HeredocsFromLine(line.text, &error);
    if (!error.empty()) {
      diags_.Error(instruction.range, error);
      return;
    }
    Instruction& target = instruction.trigger ? *instruction.trigger : instruction;
    size_t search = 0;
    for (Heredoc& doc : docs) {
      size_t at = line.text.find("<<", search);
      if (at == std::string::npos) at = 0;
      search = at + 2;
      size_t word_end = at;
      while (word_end < line.text.size() && !IsArgSpace(line.text[word_end])) ++word_end;
      doc.range = line.Range(at, word_end);
      bool terminated = false;
      while (next < lines_.size()) {
        std::string_view raw = Line(next++);
        std::string_view candidate = TrimNewline(raw);
        if (doc.strip_tabs)
          while (!candidate.empty() && candidate[0] == '\t') candidate.remove_prefix(1);
        if (candidate == doc.name) {
          terminated = true;
          break;
        }
        doc.body += raw;
      }
      if (!terminated) {
        diags_.Error(doc.range, "unterminated heredoc: no line \"" + doc.name +
                                    "\" ends the here-document started here");
        return;
      }
      target.heredocs.push_back(std::move(doc));
    }
  }

  std::string_view text_;
  diag::FileId file_;
  diag::DiagnosticEngine& diags_;
  bool validate_;
  std::vector<std::pair<size_t, size_t>> lines_;  // [begin, end) with the line break
  Dockerfile result_;
  uint32_t escape_ = '\\';
  bool directives_done_ = false;
};

std::optional<Dockerfile> Parse(diag::SourceManager& sources, diag::FileId file,
                                diag::DiagnosticEngine& diags, bool validate) {
  size_t errors_before = diags.error_count();
  DecodedSource decoded = DecodeSource(sources.Text(file));
  if (!decoded.error.empty()) {
    diags.Error({file, 0, 0}, std::string("cannot read Dockerfile as ") +
                                  EncodingName(decoded.encoding) + ": " + decoded.error);
    return std::nullopt;
  }
  if (decoded.encoding != SourceEncoding::kUtf8)
    file = sources.AddBuffer(sources.Name(file), std::move(decoded.text));
  Dockerfile result = Parser(sources, file, diags, validate).Run();
  if (diags.error_count() > errors_before) return std::nullopt;
  return result;
}

}  // namespace

std::optional<Dockerfile> ParseDockerfileSyntax(diag::SourceManager& sources, diag::FileId file,
                                                diag::DiagnosticEngine& diags) {
  return Parse(sources, file, diags, false);
}

bool ValidateDockerfile(const Dockerfile& dockerfile, diag::DiagnosticEngine& diags) {
  size_t errors_before = diags.error_count();
  for (const Instruction& instruction : dockerfile.instructions)
    ValidateInstruction(instruction, diags);
  ValidateStages(dockerfile, diags);
  return diags.error_count() == errors_before;
}

std::optional<Dockerfile> ParseDockerfile(diag::SourceManager& sources, diag::FileId file,
                                          diag::DiagnosticEngine& diags) {
  return Parse(sources, file, diags, true);
}

}  // namespace strata::dockerfile
