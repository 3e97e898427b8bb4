// The parsed Dockerfile: directives and instructions with flags, arguments, heredocs, ranges.
#include "compiler/dockerfile/instructions.h"

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

struct KindEntry {
  InstructionKind kind;
  std::string_view name;
};

constexpr KindEntry kKinds[] = {
    {InstructionKind::kFrom, "from"},
    {InstructionKind::kArg, "arg"},
    {InstructionKind::kRun, "run"},
    {InstructionKind::kCmd, "cmd"},
    {InstructionKind::kEntrypoint, "entrypoint"},
    {InstructionKind::kShell, "shell"},
    {InstructionKind::kCopy, "copy"},
    {InstructionKind::kAdd, "add"},
    {InstructionKind::kEnv, "env"},
    {InstructionKind::kLabel, "label"},
    {InstructionKind::kExpose, "expose"},
    {InstructionKind::kUser, "user"},
    {InstructionKind::kWorkdir, "workdir"},
    {InstructionKind::kVolume, "volume"},
    {InstructionKind::kStopSignal, "stopsignal"},
    {InstructionKind::kHealthcheck, "healthcheck"},
    {InstructionKind::kOnbuild, "onbuild"},
    {InstructionKind::kMaintainer, "maintainer"},
};

}  // namespace

std::string_view KindName(InstructionKind kind) {
  for (const KindEntry& entry : kKinds)
    if (entry.kind == kind) return entry.name;
  return "";
}

InstructionKind KindFromName(std::string_view name) {
  std::string lower = ToLowerAscii(name);
  for (const KindEntry& entry : kKinds)
    if (entry.name == lower) return entry.kind;
  return InstructionKind::kUnknown;
}

std::string Heredoc::Content() const {
  if (!strip_tabs) return body;
  std::string out;
  bool line_start = true;
  for (char c : body) {
    if (line_start && c == '\t') continue;
    line_start = c == '\n';
    out += c;
  }
  return out;
}

std::vector<std::string> Instruction::ArgValues() const {
  std::vector<std::string> values;
  for (const Arg& arg : args) values.push_back(arg.value);
  return values;
}

const Flag* Instruction::FindFlag(std::string_view flag_name) const {
  for (const Flag& flag : flags)
    if (flag.name == flag_name) return &flag;
  return nullptr;
}

const Directive* Dockerfile::FindDirective(std::string_view name) const {
  for (const Directive& directive : directives)
    if (directive.name == name) return &directive;
  return nullptr;
}

}  // namespace strata::dockerfile
