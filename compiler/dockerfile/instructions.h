// The parsed Dockerfile: directives and instructions with flags, arguments, heredocs, ranges.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diag/source.h"

namespace strata::dockerfile {

enum class InstructionKind {
  kFrom,
  kArg,
  kRun,
  kCmd,
  kEntrypoint,
  kShell,
  kCopy,
  kAdd,
  kEnv,
  kLabel,
  kExpose,
  kUser,
  kWorkdir,
  kVolume,
  kStopSignal,
  kHealthcheck,
  kOnbuild,
  kMaintainer,
  kUnknown,
};

// Lowercase keyword of a kind ("from", "stopsignal"); "" for kUnknown.
std::string_view KindName(InstructionKind kind);
// Case-insensitive lookup; kUnknown when the word is no instruction.
InstructionKind KindFromName(std::string_view name);

// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`) before everything else.
struct Directive {
  std::string name;  // lowercased
  std::string value;
  diag::SourceRange range;
};

// `--name[=value]` before the arguments. Quotes are removed, as BuildKit does.
struct Flag {
  std::string name;                  // without the leading `--`
  std::optional<std::string> value;  // nullopt for `--link`, "" for `--link=`
  diag::SourceRange range;

  // The flag as BuildKit's dump prints it: `--name` or `--name=value`.
  std::string Text() const { return "--" + name + (value ? "=" + *value : ""); }
};

// One argument as the parser produced it (quotes still in for shell-form words).
struct Arg {
  std::string value;
  diag::SourceRange range;  // approximate for JSON elements: the whole array
};

// `<<EOF` attached to RUN, COPY or ADD.
struct Heredoc {
  std::string name;         // the delimiter, quotes removed
  std::string body;         // the lines between, each with its line break, tabs kept
  bool expand = true;       // false when the delimiter was quoted (`<<"EOF"`, `<<'EOF'`)
  bool strip_tabs = false;  // `<<-EOF`
  unsigned fd = 0;          // `3<<EOF`; 0 when not given
  diag::SourceRange range;  // the `<<EOF` word on the instruction line

  // The body as the command sees it: leading tabs removed from each line for `<<-`.
  std::string Content() const;
};

// One instruction. ENV and LABEL keep BuildKit's triples in `args`: key, value, separator
// ("=" or "" for the legacy `ENV k v` form); ARG keeps its words (`k`, `k=v`).
struct Instruction {
  InstructionKind kind = InstructionKind::kUnknown;
  std::string name;  // as written: "from", "FROM", "From"
  std::vector<Flag> flags;
  std::vector<Arg> args;
  bool json_form = false;  // arguments came from a JSON array
  std::vector<Heredoc> heredocs;
  std::unique_ptr<Instruction> trigger;  // ONBUILD's instruction
  diag::SourceRange range;               // from the first to the last byte of the logical line
  diag::SourceRange name_range;
  std::string original;               // the logical line: continuations joined, comments dropped
  std::vector<std::string> comments;  // `#` comment lines right before it (text after `#`)
  uint32_t start_line = 0;            // 1-based
  uint32_t end_line = 0;

  std::vector<std::string> ArgValues() const;
  const Flag* FindFlag(std::string_view flag_name) const;
};

struct Dockerfile {
  diag::FileId file = diag::kNoFile;  // the file whose text was parsed (decoded if needed)
  std::vector<Directive> directives;
  std::vector<Instruction> instructions;
  uint32_t escape_token = '\\';

  const Directive* FindDirective(std::string_view name) const;
};

}  // namespace strata::dockerfile
