// A base image's ONBUILD triggers, spliced into a Dockerfile right after the FROM that uses it.
#include "compiler/driver/onbuild_triggers.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "compiler/dockerfile/parser.h"

namespace strata::driver {

bool SpliceOnbuildTriggers(dockerfile::Dockerfile& parsed, const TriggerLookup& lookup,
                           diag::SourceManager& sources, diag::DiagnosticEngine& diags) {
  using dockerfile::InstructionKind;
  std::map<std::string, size_t> stage_index;             // lowercased stage name -> index
  std::vector<std::vector<std::string>> stage_triggers;  // each stage's own ONBUILD texts
  std::vector<dockerfile::Instruction> result;
  for (dockerfile::Instruction& in : parsed.instructions) {
    if (in.kind == InstructionKind::kOnbuild && !stage_triggers.empty()) {
      std::vector<std::string>* current = &stage_triggers.back();
      std::string_view text = in.original;
      text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t")));
      text.remove_prefix(std::min(text.size(), in.name.size()));
      current->push_back(
          std::string(text.substr(std::min(text.size(), text.find_first_not_of(" \t")))));
    }
    if (in.kind != InstructionKind::kFrom) {
      result.push_back(std::move(in));
      continue;
    }
    std::vector<std::string> words = in.ArgValues();
    std::string base = words.empty() ? "" : words[0];
    std::string lower_base = base;
    for (char& c : lower_base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::vector<std::string> triggers;
    if (auto it = stage_index.find(lower_base); it != stage_index.end()) {
      triggers = stage_triggers[it->second];
    } else if (!base.empty() && lower_base != "scratch" && base.find('$') == std::string::npos) {
      triggers = lookup(base);
    }
    dockerfile::Instruction from = std::move(in);
    stage_triggers.emplace_back();
    if (words.size() == 3) {
      std::string name = words[2];
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      stage_index[name] = stage_triggers.size() - 1;
    }
    // A stage inherits its base's pending triggers only until they run: they run here.
    if (triggers.empty()) {
      result.push_back(std::move(from));
      continue;
    }
    dockerfile::Instruction marker;
    marker.kind = InstructionKind::kOnbuild;
    marker.name = "ONBUILD";
    marker.original = "ONBUILD";
    marker.range = from.range;
    marker.name_range = from.name_range;
    marker.start_line = from.start_line;
    marker.end_line = from.end_line;
    result.push_back(std::move(from));
    result.push_back(std::move(marker));
    std::string text = "FROM scratch\n";
    for (const std::string& trigger : triggers) text += trigger + "\n";
    diag::FileId id = sources.AddBuffer(base + " (ONBUILD triggers)", text);
    std::optional<dockerfile::Dockerfile> extra = dockerfile::ParseDockerfile(sources, id, diags);
    if (!extra) return false;
    for (size_t i = 1; i < extra->instructions.size(); ++i)
      result.push_back(std::move(extra->instructions[i]));
  }
  parsed.instructions = std::move(result);
  return true;
}

}  // namespace strata::driver
