// The checks BuildKit makes when it turns parsed lines into instructions (names, flags, counts).
#include "compiler/dockerfile/validate.h"

#include <llvm/ADT/StringRef.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

enum class FlagType { kBool, kString, kStrings };

struct FlagSpec {
  std::string_view name;
  FlagType type;
};

std::vector<FlagSpec> FlagsOf(InstructionKind kind) {
  using T = FlagType;
  switch (kind) {
    case InstructionKind::kFrom:
      return {{"platform", T::kString}};
    case InstructionKind::kRun:
      return {{"mount", T::kStrings}, {"network", T::kString}, {"security", T::kString}};
    case InstructionKind::kCopy:
      return {{"from", T::kString}, {"chown", T::kString}, {"chmod", T::kString},
              {"link", T::kBool},   {"parents", T::kBool}, {"exclude", T::kStrings}};
    case InstructionKind::kAdd:
      return {{"chown", T::kString},      {"chmod", T::kString},    {"link", T::kBool},
              {"keep-git-dir", T::kBool}, {"checksum", T::kString}, {"exclude", T::kStrings},
              {"unpack", T::kBool}};
    case InstructionKind::kHealthcheck:
      return {{"interval", T::kString},
              {"timeout", T::kString},
              {"start-period", T::kString},
              {"start-interval", T::kString},
              {"retries", T::kString}};
    default:
      return {};
  }
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// `^\d*<<-?[^<\s]+$`: a word that would start a heredoc in the shell form.
bool LooksLikeHeredoc(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) ++i;
  if (word.substr(i, 2) != "<<") return false;
  i += 2;
  if (i < word.size() && word[i] == '-') ++i;
  if (i == word.size()) return false;
  for (; i < word.size(); ++i)
    if (word[i] == '<' || IsSpaceByte(word[i])) return false;
  return true;
}

class Validator {
 public:
  explicit Validator(diag::DiagnosticEngine& diags) : diags_(diags) {}

  void Check(const Instruction& in, bool is_trigger) {
    std::string what = Upper(in.name);
    if (in.kind == InstructionKind::kUnknown) {
      std::vector<std::string> names;
      for (int k = 0; k < static_cast<int>(InstructionKind::kUnknown); ++k)
        names.push_back(Upper(KindName(static_cast<InstructionKind>(k))));
      std::string message = "unknown instruction: " + in.name;
      std::string suggestion = Suggest(in.name, names);
      if (!suggestion.empty()) message += " (did you mean " + suggestion + "?)";
      diags_.Error(in.name_range, message);
      return;
    }
    CheckFlags(in, what);
    size_t n = in.args.size();
    auto range = [&]() { return n ? in.args[0].range : in.name_range; };
    switch (in.kind) {
      case InstructionKind::kFrom:
        if (!(n == 1 || (n == 3 && ToLowerAscii(in.args[1].value) == "as"))) {
          diags_.Error(range(), "FROM requires either one or three arguments");
        } else if (n == 3 && !IsValidStageName(in.args[2].value)) {
          diags_.Error(in.args[2].range, "invalid name for build stage: \"" + in.args[2].value +
                                             "\", name can't start with a number or contain "
                                             "symbols");
        }
        break;
      case InstructionKind::kCopy:
      case InstructionKind::kAdd:
        if (n < 2)
          diags_.Error(range(), what + " requires at least two arguments, but " +
                                    (n ? "only one was" : "none were") +
                                    " provided. Destination could not be determined");
        if (const Flag* from = in.FindFlag("from");
            from && from->value && from->value->find('$') != std::string::npos)
          diags_.Error(from->range,
                       "variables are not supported in COPY --from: name the image in a stage "
                       "(FROM $VAR AS name) and copy from that stage");
        break;
      case InstructionKind::kEnv:
      case InstructionKind::kLabel:
        if (n == 0) diags_.Error(in.name_range, what + " requires at least one argument");
        for (size_t i = 0; i + 2 < n; i += 3)
          if (in.args[i].value.empty())
            diags_.Error(in.args[i].range, what + " names can not be blank");
        break;
      case InstructionKind::kArg:
        if (n == 0) diags_.Error(in.name_range, "ARG requires at least one argument");
        for (const Arg& arg : in.args)
          if (arg.value.empty() || arg.value[0] == '=')
            diags_.Error(arg.range, "ARG names can not be blank");
        break;
      case InstructionKind::kExpose:
      case InstructionKind::kVolume:
        if (n == 0) diags_.Error(in.name_range, what + " requires at least one argument");
        if (in.kind == InstructionKind::kVolume)
          for (const Arg& arg : in.args)
            if (TrimSpace(arg.value).empty())
              diags_.Error(arg.range, "VOLUME specified can not be an empty string");
        break;
      case InstructionKind::kUser:
      case InstructionKind::kWorkdir:
      case InstructionKind::kStopSignal:
      case InstructionKind::kMaintainer:
        if (n != 1) diags_.Error(in.name_range, what + " requires exactly one argument");
        if (in.kind == InstructionKind::kMaintainer)
          diags_.Warning(in.name_range,
                         "MAINTAINER is deprecated: use LABEL maintainer=\"...\" instead");
        break;
      case InstructionKind::kShell:
        if (n == 0 || !in.json_form)
          diags_.Error(range(), "SHELL requires the arguments to be in JSON form");
        break;
      case InstructionKind::kHealthcheck:
        CheckHealthcheck(in);
        break;
      case InstructionKind::kOnbuild:
        if (!in.trigger) {
          diags_.Error(in.name_range, "ONBUILD requires at least one argument");
        } else if (in.trigger->kind == InstructionKind::kOnbuild) {
          diags_.Error(in.trigger->name_range,
                       "chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
        } else if (in.trigger->kind == InstructionKind::kFrom ||
                   in.trigger->kind == InstructionKind::kMaintainer) {
          diags_.Error(in.trigger->name_range,
                       Upper(in.trigger->name) + " isn't allowed as an ONBUILD trigger");
        } else {
          Check(*in.trigger, true);
        }
        break;
      case InstructionKind::kRun:
        if (n == 0 && in.heredocs.empty() && !in.json_form)
          diags_.Error(in.name_range, "RUN requires at least one argument");
        break;
      default:
        break;
    }
    bool heredoc_kind = in.kind == InstructionKind::kRun || in.kind == InstructionKind::kCopy ||
                        in.kind == InstructionKind::kAdd;
    if (heredoc_kind && in.json_form)
      for (const Arg& arg : in.args)
        if (LooksLikeHeredoc(arg.value)) {
          diags_.Error(arg.range, "heredoc \"" + arg.value + "\" in the JSON form of " + what +
                                      ": heredocs work only in the shell form");
          break;
        }
    (void)is_trigger;
  }

 private:
  void CheckFlags(const Instruction& in, const std::string& what) {
    std::vector<FlagSpec> specs = FlagsOf(in.kind);
    std::map<std::string, int> used;
    for (const Flag& flag : in.flags) {
      auto spec = std::find_if(specs.begin(), specs.end(),
                               [&](const FlagSpec& s) { return s.name == flag.name; });
      if (spec == specs.end()) {
        std::vector<std::string> names;
        for (const FlagSpec& s : specs) names.emplace_back(s.name);
        std::string message = "unknown flag --" + flag.name + " for " + what;
        std::string suggestion = Suggest(flag.name, names);
        if (!suggestion.empty()) message += " (did you mean --" + ToLowerAscii(suggestion) + "?)";
        diags_.Error(flag.range, message);
        continue;
      }
      if (used[flag.name]++ && spec->type != FlagType::kStrings) {
        diags_.Error(flag.range, "duplicate flag specified: --" + flag.name);
        continue;
      }
      if (spec->type == FlagType::kBool) {
        if (flag.value && flag.value->empty()) {
          diags_.Error(flag.range, "missing a value on flag: --" + flag.name);
        } else if (flag.value) {
          std::string lower = ToLowerAscii(*flag.value);
          if (lower != "true" && lower != "false")
            diags_.Error(flag.range, "expecting boolean value for flag --" + flag.name +
                                         ", not: " + *flag.value);
        }
      } else if (!flag.value) {
        diags_.Error(flag.range, "missing a value on flag: --" + flag.name);
      }
    }
  }

  void CheckHealthcheck(const Instruction& in) {
    if (in.args.empty()) {
      diags_.Error(in.name_range, "HEALTHCHECK requires at least one argument");
      return;
    }
    std::string type = Upper(in.args[0].value);
    if (type == "NONE") {
      if (in.args.size() > 1) diags_.Error(in.args[1].range, "HEALTHCHECK NONE takes no arguments");
      return;
    }
    if (type != "CMD") {
      diags_.Error(in.args[0].range,
                   "unknown type \"" + in.args[0].value + "\" in HEALTHCHECK (try CMD)");
      return;
    }
    if (in.args.size() < 2) diags_.Error(in.args[0].range, "missing command after HEALTHCHECK CMD");
    for (const Flag& flag : in.flags) {
      if (!flag.value || flag.value->empty()) continue;
      if (flag.name == "retries") {
        const std::string& v = *flag.value;
        bool digits = !v.empty() &&
                      std::all_of(v.begin() + (v[0] == '-' || v[0] == '+'), v.end(), [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
        if (!digits || v.size() > 11 || ((v[0] == '+' || v[0] == '-') && v.size() == 1))
          diags_.Error(flag.range, "invalid --retries value \"" + v + "\": not an integer");
        else if (std::stoll(v) < 1)  // BuildKit 20.10 refuses 0 as well as a negative count
          diags_.Error(flag.range,
                       "--retries must be at least 1 (not " + std::to_string(std::stoll(v)) + ")");
        continue;
      }
      long double ns = 0;
      if (!ParseGoDuration(*flag.value, &ns))
        diags_.Error(flag.range, "invalid duration \"" + *flag.value + "\" for --" + flag.name);
      else if (ns < 0)
        diags_.Error(flag.range, "interval \"" + flag.name + "\" cannot be negative");
      else if (ns != 0 && ns < 1e6)
        diags_.Error(flag.range, "interval \"" + flag.name + "\" cannot be less than 1ms");
    }
  }

  diag::DiagnosticEngine& diags_;
};

}  // namespace

std::string Suggest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string lower = ToLowerAscii(word);
  std::string best;
  size_t best_distance = 3;  // at most two edits
  for (const std::string& candidate : candidates) {
    size_t d = llvm::StringRef(lower).edit_distance(ToLowerAscii(candidate));
    if (d < best_distance && d < std::max<size_t>(lower.size(), 1)) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

bool ParseGoDuration(std::string_view s, long double* out) {
  long double sign = 1;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    if (s[0] == '-') sign = -1;
    s.remove_prefix(1);
  }
  if (s == "0") {
    *out = 0;
    return true;
  }
  if (s.empty()) return false;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double value = 0, scale = 1;
    bool any = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
      value = value * 10 + (s[i++] - '0'), any = true;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])))
        scale /= 10, value += (s[i++] - '0') * scale, any = true;
    }
    if (!any) return false;
    size_t unit_begin = i;
    while (i < s.size() && s[i] != '.' && !std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view unit = s.substr(unit_begin, i - unit_begin);
    long double factor = 0;
    if (unit == "ns")
      factor = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      factor = 1e3;
    else if (unit == "ms")
      factor = 1e6;
    else if (unit == "s")
      factor = 1e9;
    else if (unit == "m")
      factor = 60e9;
    else if (unit == "h")
      factor = 3600e9;
    else
      return false;
    total += value * factor;
    s.remove_prefix(i);
  }
  *out = sign * total;
  return true;
}

bool IsValidStageName(std::string_view name) {
  std::string lower = ToLowerAscii(name);
  if (lower.empty() || !(lower[0] >= 'a' && lower[0] <= 'z')) return false;
  return std::all_of(lower.begin(), lower.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

void ValidateInstruction(const Instruction& instruction, diag::DiagnosticEngine& diags) {
  Validator(diags).Check(instruction, false);
}

void ValidateStages(const Dockerfile& dockerfile, diag::DiagnosticEngine& diags) {
  std::map<std::string, const Instruction*> seen;
  for (const Instruction& in : dockerfile.instructions) {
    if (in.kind != InstructionKind::kFrom || in.args.size() != 3) continue;
    std::string name = ToLowerAscii(in.args[2].value);
    auto [it, inserted] = seen.emplace(name, &in);
    if (!inserted) {
      auto& d = diags.Error(in.args[2].range, "duplicate stage name \"" + in.args[2].value + "\"");
      d.notes.push_back({it->second->args[2].range, "first defined here"});
    }
  }
}

}  // namespace strata::dockerfile
