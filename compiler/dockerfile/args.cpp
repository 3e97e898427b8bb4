// ARG scoping and the "expanded" view: each stage's instructions with their words expanded.
#include "compiler/dockerfile/args.h"

#include <set>

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

void SplitPlatform(const std::string& platform, std::string& os, std::string& arch,
                   std::string& variant) {
  size_t a = platform.find('/');
  os = platform.substr(0, a);
  if (a == std::string::npos) return;
  size_t b = platform.find('/', a + 1);
  arch = platform.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  if (b != std::string::npos) variant = platform.substr(b + 1);
}

class Walker {
 public:
  Walker(const Dockerfile& dockerfile, const ExpandOptions& options, diag::DiagnosticEngine& diags)
      : dockerfile_(dockerfile),
        options_(options),
        diags_(diags),
        lexer_(dockerfile.escape_token) {}

  std::optional<ExpandedDockerfile> Run() {
    size_t errors_before = diags_.error_count();
    out_.global_args = PredefinedArgs(options_);
    ExpandedStage* stage = nullptr;
    for (const Instruction& in : dockerfile_.instructions) {
      if (in.kind == InstructionKind::kFrom) {
        stage = StartStage(in);
        continue;
      }
      if (!stage) {
        if (in.kind == InstructionKind::kArg) {
          out_.global_instructions.push_back(GlobalArg(in));
        } else {
          diags_.Error(in.name_range, "no build stage in current context: " + std::string(in.name) +
                                          " must come after a FROM");
        }
        continue;
      }
      stage->instructions.push_back(Expand(in, *stage));
    }
    Warn();
    if (diags_.error_count() > errors_before) return std::nullopt;
    return std::move(out_);
  }

 private:
  // The variables an instruction sees: the last ENV or ARG that set a name wins, as in
  // BuildKit, where both set the build state's env (`ENV U=1` then `ARG U=2` expands $U to 2;
  // only ENV goes into the image config). Kept up to date incrementally: rebuilding it per
  // instruction is quadratic.
  void SetArg(ExpandedStage& stage, const std::string& key, const std::string& value) {
    stage.args[key] = value;
    scope_[key] = value;
  }
  void SetEnv(ExpandedStage& stage, const std::string& key, const std::string& value) {
    stage.env[key] = value;
    scope_[key] = value;
  }

  std::string Word(const std::string& text, const ShellEnv& env, diag::SourceRange range,
                   bool in_stage) {
    ShellResult r = lexer_.ProcessWord(text, env);
    Record(r, range, in_stage);
    if (!r.ok) diags_.Error(range, "failed to process \"" + text + "\": " + r.error);
    return r.word;
  }
  std::vector<std::string> Words(const std::string& text, const ShellEnv& env,
                                 diag::SourceRange range) {
    ShellResult r = lexer_.ProcessWords(text, env);
    Record(r, range, true);
    if (!r.ok) diags_.Error(range, "failed to process \"" + text + "\": " + r.error);
    return r.words;
  }

  // BuildKit expands a COPY heredoc's body with quotes kept and `\` as the escape,
  // whatever `# escape=` says.
  std::string HeredocContent(const Heredoc& doc, const ShellEnv& env) {
    std::string content = doc.Content();
    if (!doc.expand) return content;
    ShellOptions raw;
    raw.skip_process_quotes = true;
    ShellResult r = ShellLexer(raw).ProcessWord(content, env);
    Record(r, doc.range, true);
    if (!r.ok) diags_.Error(doc.range, "failed to expand heredoc <<" + doc.name + ": " + r.error);
    return r.word;
  }

  // Tracks which global ARGs FROM lines used, and warns when a stage uses a global ARG that it
  // did not re-declare (a common mistake: it expands to nothing there).
  void Record(const ShellResult& r, diag::SourceRange range, bool in_stage) {
    if (!in_stage) {
      for (const std::string& name : r.matched) used_globals_.insert(name);
      for (const std::string& name : r.unmatched) used_globals_.insert(name);
      return;
    }
    for (const std::string& name : r.unmatched)
      if (declared_globals_.count(name) &&
          warned_.insert(name + "@" + std::to_string(range.begin)).second)
        diags_.Warning(range, "\"" + name + "\" is a global ARG: re-declare it with `ARG " + name +
                                  "` in this stage to use it here");
  }

  ExpandedInstruction GlobalArg(const Instruction& in) {
    ExpandedInstruction e;
    e.source = &in;
    for (const Arg& arg : in.args) {
      KeyValue kv = SplitArg(arg, out_.global_args, false);
      declared_globals_.insert(kv.key);
      global_arg_ranges_.emplace(kv.key, arg.range);
      auto given = options_.build_args.find(kv.key);
      if (given != options_.build_args.end()) {
        consumed_.insert(kv.key);
        kv.value = given->second;
      }
      if (kv.value) out_.global_args[kv.key] = *kv.value;
      e.pairs.push_back(kv);
    }
    return e;
  }

  KeyValue SplitArg(const Arg& arg, const ShellEnv& env, bool in_stage) {
    KeyValue kv;
    size_t eq = arg.value.find('=');
    kv.key = Word(arg.value.substr(0, eq), env, arg.range, in_stage);
    if (eq != std::string::npos)
      kv.value = Word(arg.value.substr(eq + 1), env, arg.range, in_stage);
    return kv;
  }

  ExpandedStage* StartStage(const Instruction& in) {
    ExpandedStage stage;
    stage.index = out_.stages.size();
    stage.from = &in;
    if (in.args.size() == 3) stage.name = ToLowerAscii(in.args[2].value);
    if (!in.args.empty())
      stage.base = Word(in.args[0].value, out_.global_args, in.args[0].range, false);
    if (const Flag* platform = in.FindFlag("platform"); platform && platform->value)
      stage.platform = Word(*platform->value, out_.global_args, platform->range, false);
    std::string lower = ToLowerAscii(stage.base);
    for (const ExpandedStage& earlier : out_.stages)
      if (!earlier.name.empty() && earlier.name == lower) {
        stage.base_stage = earlier.index;
        // ENV is inherited through the image config; ARGs too, as BuildKit copies the base
        // stage's build args (`FROM a` sees a's `ARG V=1` in expansion and in a RUN's env).
        stage.env = earlier.env;
        stage.args = earlier.args;
      }
    // BuildKit's empty image has the default PATH (and WorkingDir "/"); `$PATH` sees it.
    if (!stage.base_stage && lower == "scratch") stage.env = {{"PATH", kDefaultPathEnv}};
    if (!stage.base_stage && lower != "scratch" && options_.base_image_env)
      if (std::optional<ShellEnv> env = options_.base_image_env(stage.base)) {
        stage.env = std::move(*env);
        // BuildKit gives a base image without PATH in its Env the default one (the planner
        // records it in the config too).
        stage.env.emplace("PATH", kDefaultPathEnv);
      }
    // A stage built FROM another starts from that stage's image Env, its ARGs filling in only
    // the names ENV does not set (BuildKit: `ENV U=1`, `ARG U=2` in a, then `FROM a` sees 1).
    scope_ = stage.env;
    for (const auto& [key, value] : stage.args) scope_.emplace(key, value);
    out_.stages.push_back(std::move(stage));
    return &out_.stages.back();
  }

  std::vector<Flag> ExpandFlags(const Instruction& in, const ShellEnv& env) {
    static const std::set<std::string> kExpanded = {"chown", "chmod", "exclude", "checksum",
                                                    "mount"};
    std::vector<Flag> flags = in.flags;
    for (Flag& flag : flags)
      if (flag.value && kExpanded.count(flag.name))
        flag.value = Word(*flag.value, env, flag.range, true);
    return flags;
  }

  ExpandedInstruction Expand(const Instruction& in, ExpandedStage& stage) {
    ExpandedInstruction e;
    e.source = &in;
    const ShellEnv& env = scope_;
    e.flags = ExpandFlags(in, env);
    switch (in.kind) {
      case InstructionKind::kAdd:
      case InstructionKind::kCopy:
      case InstructionKind::kVolume:
      case InstructionKind::kUser:
      case InstructionKind::kWorkdir:
      case InstructionKind::kStopSignal:
        for (const Arg& arg : in.args) e.args.push_back(Word(arg.value, env, arg.range, true));
        if (in.kind == InstructionKind::kAdd || in.kind == InstructionKind::kCopy)
          for (const Heredoc& doc : in.heredocs) e.heredocs.push_back(HeredocContent(doc, env));
        break;
      case InstructionKind::kExpose:
        for (const Arg& arg : in.args)
          for (std::string& word : Words(arg.value, env, arg.range))
            e.args.push_back(std::move(word));
        break;
      case InstructionKind::kEnv:
      case InstructionKind::kLabel:
        // All pairs of one instruction see the values from before it (as in BuildKit).
        for (size_t i = 0; i + 1 < in.args.size(); i += 3) {
          KeyValue kv{Word(in.args[i].value, env, in.args[i].range, true),
                      Word(in.args[i + 1].value, env, in.args[i + 1].range, true)};
          e.pairs.push_back(kv);
        }
        if (in.kind == InstructionKind::kEnv)
          for (const KeyValue& kv : e.pairs) SetEnv(stage, kv.key, *kv.value);
        break;
      case InstructionKind::kArg:
        // Like ENV, every pair is expanded before any of them takes effect.
        for (const Arg& arg : in.args) {
          KeyValue kv = SplitArg(arg, env, true);
          auto given = options_.build_args.find(kv.key);
          if (given != options_.build_args.end()) {
            consumed_.insert(kv.key);
            kv.value = given->second;
          } else if (!kv.value) {
            auto global = out_.global_args.find(kv.key);
            if (global != out_.global_args.end()) kv.value = global->second;
          }
          redeclared_.insert(kv.key);
          e.pairs.push_back(kv);
        }
        for (const KeyValue& kv : e.pairs)
          if (kv.value) SetArg(stage, kv.key, *kv.value);
        break;
      default:
        e.args = in.ArgValues();
        break;
    }
    return e;
  }

  void Warn() {
    diag::SourceRange file_start{dockerfile_.file, 0, 0};
    for (const auto& [key, value] : options_.build_args)
      if (!consumed_.count(key))
        diags_.Warning(file_start, "build argument \"" + key + "\" was not consumed by any ARG");
    for (const auto& [key, range] : global_arg_ranges_)
      if (!used_globals_.count(key) && !redeclared_.count(key))
        diags_.Warning(range, "global ARG \"" + key +
                                  "\" is never used: only FROM lines see a global ARG unless a "
                                  "stage re-declares it with `ARG " +
                                  key + "`");
  }

  const Dockerfile& dockerfile_;
  const ExpandOptions& options_;
  diag::DiagnosticEngine& diags_;
  ShellLexer lexer_;
  ExpandedDockerfile out_;
  ShellEnv scope_;  // the current stage's ARGs and ENV, the last one set winning
  std::set<std::string> declared_globals_, used_globals_, redeclared_, consumed_, warned_;
  std::map<std::string, diag::SourceRange> global_arg_ranges_;
};

}  // namespace

ShellEnv PredefinedArgs(const ExpandOptions& options) {
  ShellEnv env;
  std::string os, arch, variant;
  SplitPlatform(options.target_platform, os, arch, variant);
  env["TARGETPLATFORM"] = options.target_platform;
  env["TARGETOS"] = os;
  env["TARGETARCH"] = arch;
  env["TARGETVARIANT"] = variant;
  os.clear(), arch.clear(), variant.clear();
  SplitPlatform(options.build_platform, os, arch, variant);
  env["BUILDPLATFORM"] = options.build_platform;
  env["BUILDOS"] = os;
  env["BUILDARCH"] = arch;
  env["BUILDVARIANT"] = variant;
  return env;
}

std::optional<ExpandedDockerfile> ExpandDockerfile(const Dockerfile& dockerfile,
                                                   const ExpandOptions& options,
                                                   diag::DiagnosticEngine& diags) {
  return Walker(dockerfile, options, diags).Run();
}

}  // namespace strata::dockerfile
