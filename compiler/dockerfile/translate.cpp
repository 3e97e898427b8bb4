// Prints a lowering plan as a Strata program (see translate.h for the shape).
#include "compiler/dockerfile/translate.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/dockerfile/lower_plan.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/syntax/string_literals.h"

namespace strata::dockerfile {
namespace {

std::string Str(const std::string& s) { return StrataString(s); }

std::string List(const std::vector<std::string>& items) {
  if (items.empty()) return "[ ]";
  std::string out = "[";
  for (const std::string& item : items) out += " " + Str(item);
  return out + " ]";
}

std::string ListOf(const nlohmann::json& value) {
  std::vector<std::string> items;
  for (const auto& item : value) items.push_back(item.get<std::string>());
  return List(items);
}

bool IsPathChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == '+' || c == '/';
}

class Translator {
 public:
  Translator(const DockerfilePlan& plan, const TranslateOptions& options,
             const Dockerfile& dockerfile, diag::DiagnosticEngine& diags)
      : plan_(plan), options_(options), dockerfile_(dockerfile), diags_(diags) {
    for (const std::string& name : options.reserved_names) reserved_.insert(name);
  }

  std::optional<std::string> Run() {
    for (const PlanParam& param : plan_.params)
      if (syntax::IsPlainName(param.name) && !reserved_.count(param.name))
        params_.insert(param.name);
    NameBindings();
    out_ << "# Translated from " << options_.source_name << " by `strata import`.\n";
    for (const Instruction& in : dockerfile_.instructions) {
      if (in.kind == InstructionKind::kFrom) break;
      Comments(in, "", "\n");
    }
    bool has_params = !params_.empty();
    if (has_params) {
      out_ << "{";
      bool first = true;
      for (const PlanParam& param : plan_.params) {
        if (!params_.count(param.name)) continue;
        out_ << (first ? " " : ", ") << param.name << " ? " << Str(param.default_value);
        first = false;
      }
      out_ << " }:\n";
    }
    out_ << "let\n";
    if (plan_.uses_context && !Context()) return std::nullopt;
    if (!NamedContexts()) return std::nullopt;
    for (size_t i = 0; i < plan_.stages.size(); ++i)
      if (plan_.needed[i]) Stage(plan_.stages[i]);
    out_ << "in {\n  default = " << bindings_[plan_.target] << ";\n";
    std::vector<std::string> inherits;
    for (size_t i = 0; i < plan_.stages.size(); ++i) {
      const StagePlan& stage = plan_.stages[i];
      if (!plan_.needed[i] || stage.name.empty()) continue;
      if (stage.name == bindings_[i])
        inherits.push_back(stage.name);
      else
        out_ << "  " << AttrName(stage.name) << " = " << bindings_[i] << ";\n";
    }
    if (!inherits.empty()) {
      out_ << "  inherit";
      for (const std::string& name : inherits) out_ << " " << name;
      out_ << ";\n";
    }
    out_ << "}\n";
    if (failed_) return std::nullopt;
    return out_.str();
  }

 private:
  std::string AttrName(const std::string& name) {
    return syntax::IsPlainName(name) ? name : Str(name);
  }

  bool Taken(const std::string& name) const {
    return !syntax::IsPlainName(name) || reserved_.count(name) || params_.count(name) ||
           used_.count(name);
  }

  std::string Fresh(std::string base) {
    if (!Taken(base)) return used_.insert(base), base;
    for (int i = 2;; ++i)
      if (!Taken(base + "_" + std::to_string(i)))
        return used_.insert(base + "_" + std::to_string(i)), base + "_" + std::to_string(i);
  }

  // Stage names become identifiers: `build-env` is `build_env`, an unnamed stage `stageN`.
  void NameBindings() {
    used_.insert("src");
    bindings_.resize(plan_.stages.size());
    for (size_t i = 0; i < plan_.stages.size(); ++i) {
      if (!plan_.needed[i]) continue;
      std::string name = plan_.stages[i].name;
      for (char& c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
      if (name.empty())
        name = "stage" + std::to_string(i);
      else if (std::isdigit(static_cast<unsigned char>(name[0])))
        name = "stage_" + name;
      if (reserved_.count(name)) name += "_stage";
      bindings_[i] = Fresh(name);
    }
    for (const std::string& name : plan_.named_contexts_used) {
      std::string id = name;
      for (char& c : id)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) c = '_';
      if (id.empty() || std::isdigit(static_cast<unsigned char>(id[0]))) id = "context_" + id;
      named_[name] = Fresh(id);
    }
  }

  // `# text` lines: each one `before` + the comment + `after`.
  void Comments(const Instruction& in, const std::string& before, const std::string& after) {
    for (const std::string& comment : in.comments) {
      std::string text = comment;
      while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
      out_ << before << "#" << (text.empty() || text[0] == ' ' ? "" : " ") << text << after;
    }
  }

  // A relative path literal for a host directory, from where the program will be saved.
  std::optional<std::string> PathLiteral(const std::string& dir) {
    std::error_code ec;
    std::filesystem::path base =
        std::filesystem::absolute(options_.output_dir, ec).lexically_normal();
    std::string rel = std::filesystem::path(dir).lexically_relative(base).string();
    while (rel.size() > 1 && rel.back() == '/') rel.pop_back();
    std::string literal;
    if (rel.empty() || rel == ".")
      literal = "./.";
    else if (rel == "..")
      literal = "./..";
    else if (rel.rfind("../", 0) == 0)
      literal = rel;
    else
      literal = "./" + rel;
    for (char c : literal)
      if (!IsPathChar(c)) {
        diags_.Error({dockerfile_.file, 0, 0},
                     "cannot write \"" + dir +
                         "\" as a Strata path literal "
                         "(it has characters a path literal cannot hold)");
        failed_ = true;
        return std::nullopt;
      }
    return literal;
  }

  bool Context() {
    std::optional<std::string> path = PathLiteral(options_.context_dir);
    if (!path) return false;
    // A Dockerfile's context keeps its files' modes (BuildKit); Strata's own sources do not.
    out_ << "  src = keepModes ";
    if (!options_.context_exclude.empty())
      out_ << "(ignore " << List(options_.context_exclude) << " ";
    out_ << *path << (options_.context_exclude.empty() ? ";" : ");");
    if (!options_.context_exclude.empty()) out_ << "  # .dockerignore";
    out_ << "\n";
    return true;
  }

  bool NamedContexts() {
    for (const auto& [name, id] : named_) {
      BuildContextSpec spec = ParseBuildContextSpec(options_.build_contexts.at(name));
      out_ << "  " << id << " = ";
      if (spec.kind == BuildContextSpec::Kind::kImage) {
        out_ << "image " << Str(spec.location) << ";\n";
        continue;
      }
      std::optional<std::string> path = PathLiteral(AbsolutePath(spec.location));
      if (!path) return false;
      if (spec.kind == BuildContextSpec::Kind::kOciLayout) {
        if (spec.tag.empty())
          out_ << "load " << *path << ";\n";
        else
          out_ << "loadTag " << Str(spec.tag) << " " << *path << ";\n";
        continue;
      }
      std::string dir = AbsolutePath(spec.location);
      std::vector<std::string> exclude = ReadDockerignore(FindDockerignore("", dir));
      out_ << "keepModes ";
      if (!exclude.empty()) out_ << "(ignore " << List(exclude) << " ";
      out_ << *path << (exclude.empty() ? ";\n" : ");\n");
    }
    return true;
  }

  // `golang:${GO_VERSION}-alpine` as a Strata string with the parameters interpolated.
  std::string Template(const std::string& raw, const std::string& fallback) {
    std::string out = "\"";
    std::string literal;
    auto flush = [&]() {
      std::string quoted = Str(literal);
      out += quoted.substr(1, quoted.size() - 2);
      literal.clear();
    };
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '$') {
        literal += raw[i];
        continue;
      }
      size_t begin = i + 1 + (raw[i + 1] == '{');
      size_t end = begin;
      while (end < raw.size() &&
             (std::isalnum(static_cast<unsigned char>(raw[end])) || raw[end] == '_'))
        ++end;
      std::string name = raw.substr(begin, end - begin);
      if (!params_.count(name)) return Str(fallback);
      flush();
      out += "${" + name + "}";
      i = raw[i + 1] == '{' ? end : end - 1;
    }
    flush();
    return out + "\"";
  }

  std::string Base(const PlanSource& base, const std::string& base_template) {
    switch (base.kind) {
      case PlanSource::Kind::kScratch:
        return "scratch";
      case PlanSource::Kind::kStage:
        return bindings_[base.stage];
      case PlanSource::Kind::kNamedContext:
        return named_.at(base.name);
      default:
        return "image " +
               (base_template.empty() ? Str(base.name) : Template(base_template, base.name));
    }
  }

  // An artifact expression, parenthesised when it is not a single name.
  std::string Artifact(const PlanSource& source) {
    std::string node;
    switch (source.kind) {
      case PlanSource::Kind::kFetch:
        return "(fetch { url = " + Str(source.name) + "; sha256 = " + Str(source.sha256) + "; })";
      case PlanSource::Kind::kText:
        return "(text " + Str(source.name) + " " + StrataString(source.content, true, 6) + ")";
      case PlanSource::Kind::kContext:
        node = "src";
        break;
      case PlanSource::Kind::kImage:
        node = "image " + Str(source.name);
        break;
      default:
        node = Base(source, "");
        break;
    }
    if (source.path.empty()) return node.find(' ') == std::string::npos ? node : "(" + node + ")";
    return "(" + node + " / " + Str(source.path) + ")";
  }

  std::string RunOptions(const PlanStep& step) {
    std::string out;
    if (!step.cache.empty()) out += " cache = " + List(step.cache) + ";";
    if (!step.caches.empty()) {
      out += " caches = [";
      for (const graph::CacheMount& cache : step.caches) {
        out += " { target = " + Str(cache.target) + ";";
        if (!cache.id.empty()) out += " id = " + Str(cache.id) + ";";
        if (cache.uid != 0) out += " uid = " + std::to_string(cache.uid) + ";";
        if (cache.gid != 0) out += " gid = " + std::to_string(cache.gid) + ";";
        if (cache.mode != 0755) {
          char mode[8];
          std::snprintf(mode, sizeof mode, "%04o", cache.mode);
          out += " mode = \"" + std::string(mode) + "\";";
        }
        out += " }";
      }
      out += " ];";
    }
    if (!step.secrets.empty()) {
      out += " secrets = [";
      for (const graph::SecretMount& secret : step.secrets) {
        out += " { id = " + Str(secret.id) + ";";
        if (secret.target != "/run/secrets/" + secret.id)
          out += " target = " + Str(secret.target) + ";";
        if (!secret.required) out += " required = false;";
        if (secret.uid) out += " uid = " + std::to_string(*secret.uid) + ";";
        if (secret.gid) out += " gid = " + std::to_string(*secret.gid) + ";";
        if (secret.mode != 0400) {
          char mode[8];
          std::snprintf(mode, sizeof mode, "%04o", secret.mode);
          out += " mode = \"" + std::string(mode) + "\";";
        }
        out += " }";
      }
      out += " ];";
    }
    if (!step.mounts.empty()) {
      out += " mounts = [";
      for (const PlanMount& mount : step.mounts)
        out += " { artifact = " + Artifact(mount.source) + "; target = " + Str(mount.target) +
               (mount.writable ? "; rw = true; }" : "; }");
      out += " ];";
    }
    if (!step.tmpfs.empty()) out += " tmpfs = " + List(step.tmpfs) + ";";
    if (!step.env.empty()) {
      out += " env = [";
      for (size_t i = 0; i < step.env.size(); ++i) {
        const std::string& param = step.env_params[i];
        if (!param.empty() && params_.count(param))
          out += " \"" + param + "=${" + param + "}\"";
        else
          out += " " + Str(step.env[i]);
      }
      out += " ];";
    }
    return out.empty() ? "" : "{" + out + " }";
  }

  std::string Run(const PlanStep& step) {
    std::string options = RunOptions(step);
    std::string command = step.argv_form ? List(step.argv) : StrataString(step.shell, true, 6);
    const char* plain = step.argv_form ? "exec " : "run ";
    const char* with = step.argv_form ? "execWith " : "runWith ";
    return options.empty() ? plain + command : with + options + " " + command;
  }

  std::string Copy(const PlanStep& step) {
    std::string options;
    if (!step.copy.chown.empty()) options += " chown = " + Str(step.copy.chown) + ";";
    if (!step.copy.chmod.empty()) options += " chmod = " + Str(step.copy.chmod) + ";";
    if (step.copy.link) options += " link = true;";
    if (!step.copy.exclude.empty()) options += " exclude = " + List(step.copy.exclude) + ";";
    if (step.copy.extract) options += " extract = true;";
    std::string args = Artifact(step.source) + " " + Str(step.dest);
    return options.empty() ? "copy " + args : "copyWith {" + options + " } " + args;
  }

  std::string Config(const PlanStep& step) {
    const nlohmann::json& v = step.value;
    const std::string& f = step.field;
    if (f == "env" || f == "label")
      return f + " " + Str(v[0].get<std::string>()) + " " + Str(v[1].get<std::string>());
    if (f == "entrypoint" || f == "cmd" || f == "shell") return f + " " + ListOf(v);
    if (f == "expose") {
      std::string spec = v.get<std::string>();
      std::string port = spec.substr(0, spec.find('/'));
      if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, "/tcp") == 0 &&
          port.find('-') == std::string::npos && port[0] != '0')
        return "expose " + port;
      return "exposePort " + Str(spec);
    }
    if (f == "healthcheck") {
      std::string out = "healthcheck { test = " + ListOf(v["test"]) + ";";
      for (auto [key, name] :
           {std::pair{"interval", "interval"}, std::pair{"timeout", "timeout"},
            std::pair{"start_period", "startPeriod"}, std::pair{"start_interval", "startInterval"}})
        if (v.contains(key))
          out += std::string(" ") + name + " = " + Str(v[key].get<std::string>()) + ";";
      if (v.contains("retries"))
        out += " retries = " + std::to_string(v["retries"].get<int64_t>()) + ";";
      return out + " }";
    }
    return f + " " + Str(v.get<std::string>());  // workdir user volume stopsignal onbuild
  }

  void Stage(const StagePlan& stage) {
    Comments(*stage.from, "  ", "\n");
    out_ << "  " << bindings_[stage.index] << " = " << Base(stage.base, stage.base_template);
    // Comments of instructions that made no step (ARG) come with the next step.
    const Instruction* all = dockerfile_.instructions.data();
    size_t next = static_cast<size_t>(stage.from - all) + 1;
    for (const PlanStep& step : stage.steps) {
      size_t index = static_cast<size_t>(step.instruction - all);
      for (; next <= index; ++next) Comments(all[next], "\n    ", "");
      out_ << "\n    |> ";
      switch (step.kind) {
        case PlanStep::Kind::kRun:
          out_ << Run(step);
          break;
        case PlanStep::Kind::kCopy:
          out_ << Copy(step);
          break;
        case PlanStep::Kind::kConfig:
          out_ << Config(step);
          break;
      }
    }
    out_ << ";\n";
  }

  const DockerfilePlan& plan_;
  const TranslateOptions& options_;
  const Dockerfile& dockerfile_;
  diag::DiagnosticEngine& diags_;
  std::ostringstream out_;
  std::set<std::string> reserved_, params_, used_;
  std::vector<std::string> bindings_;
  std::map<std::string, std::string> named_;
  bool failed_ = false;
};

}  // namespace

std::optional<std::string> TranslateDockerfile(const Dockerfile& dockerfile,
                                               const TranslateOptions& options,
                                               diag::DiagnosticEngine& diags) {
  PlanOptions plan_options;
  plan_options.build_args = options.build_args;
  plan_options.target = options.target;
  plan_options.context_dir = options.context_dir;
  plan_options.context_exclude = options.context_exclude;
  plan_options.all_stages = true;
  plan_options.base_image_env = options.base_image_env;
  plan_options.base_image_defaults = options.base_image_defaults;
  for (const auto& [name, spec] : options.build_contexts) {
    BuildContextSpec parsed = ParseBuildContextSpec(spec);
    NamedContext named;
    named.kind = parsed.kind == BuildContextSpec::Kind::kLocal ? NamedContext::Kind::kLocal
                                                               : NamedContext::Kind::kImage;
    named.host_dir = AbsolutePath(parsed.location);
    plan_options.named_contexts[name] = named;
  }
  std::optional<DockerfilePlan> plan = PlanDockerfile(dockerfile, plan_options, diags);
  if (!plan) return std::nullopt;
  return Translator(*plan, options, dockerfile, diags).Run();
}

}  // namespace strata::dockerfile
