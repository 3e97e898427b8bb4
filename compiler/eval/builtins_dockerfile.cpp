// The Dockerfile builtins: `ignore` (a local source filtered by .dockerignore patterns),
// `keepModes` (a local source whose modes are kept as on disk) and
// `dockerfile` (a Dockerfile lowered to stages: `.final` and `.stage "name"`).
#include <sys/stat.h>

#include "compiler/dockerfile/lower.h"
#include "compiler/eval/machine.h"
#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/ops.h"

namespace strata::eval {
namespace {

using diag::SourceRange;

std::string HostPath(Machine& m, const graph::Node* node, SourceRange call, std::string_view what) {
  const nlohmann::json* path = node->op() == graph::Op::kLocal ? node->Find("path") : nullptr;
  if (!path || !path->is_string())
    m.Fail(call, std::string(what) + " must be a local source (a path such as ./Dockerfile)");
  return path->get<std::string>();
}

bool KeepsModes(const graph::Node* node) {
  const nlohmann::json* modes = node->Find("modes");
  return modes && modes->is_string() && *modes == "keep";
}

std::vector<std::string> Excludes(const graph::Node* node) {
  std::vector<std::string> out;
  if (const nlohmann::json* exclude = node->Find("exclude"))
    for (const auto& item : *exclude) out.push_back(item.get<std::string>());
  return out;
}

// Lowers the Dockerfile of `dockerfile args` (the artifact and the options) to `target`.
const graph::Node* Lower(Machine& m, Thunk* artifact, Thunk* opts, const std::string& target,
                         SourceRange call) {
  const graph::Node* file = m.ForceNode(artifact, call, "the Dockerfile");
  std::string path = HostPath(m, file, call, "dockerfile: the Dockerfile");
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) path += "/Dockerfile";

  dockerfile::DockerfileInput input;
  input.dockerfile = path;
  input.target = target;
  for (const RecordField& field : m.ForceRecord(opts, call, "the options of dockerfile")) {
    std::string name(field.name.str());
    if (name == "target") {
      if (target.empty())
        input.target = std::string(m.ForceString(field.value, call, "option target"));
    } else if (name == "buildArgs") {
      for (const std::string& arg : m.ForceStringList(field.value, call, "option buildArgs")) {
        size_t eq = arg.find('=');
        if (eq == std::string::npos || eq == 0)
          m.Fail(call, "dockerfile: buildArgs entries are \"NAME=value\", not '" + arg + "'");
        input.build_args[arg.substr(0, eq)] = arg.substr(eq + 1);
      }
    } else if (name == "context") {
      // The context as given (maybe already `ignore`d): lowered against that node.
      input.context = m.ForceNode(field.value, call, "option context");
      HostPath(m, input.context, call, "dockerfile: the context");
    } else {
      m.Fail(call, "unknown option '" + name +
                       "' of dockerfile; known options: buildArgs, target, context");
    }
  }
  if (!m.dockerfile_lowerer()) m.Fail(call, "dockerfile: no Dockerfile pipeline in this evaluator");
  diag::SourceManager& sources = m.loader().sources();
  diag::DiagnosticEngine diags;
  const graph::Node* node = m.dockerfile_lowerer()(input, diags);
  if (!node) {
    std::string message = "dockerfile: cannot lower " + path;
    for (const diag::Diagnostic& d : diags.diagnostics())
      if (d.severity == diag::Severity::kError) {
        message += ": " + diag::FormatLocation(sources, d.range) + ": " + d.message;
        break;
      }
    m.Fail(call, message);
  }
  return node;
}

Value StageOf(Machine& m, Thunk* const* a, SourceRange call) {
  std::string name(m.ForceString(a[2], call, "the stage name"));
  if (name.empty()) m.Fail(call, "dockerfile: .stage needs a stage name or index");
  return Value::Node(Lower(m, a[0], a[1], name, call));
}

// Not in a builtin table: only reachable as the `stage` field of a `dockerfile` value.
const BuiltinDef kStageOf{"dockerfile.stage", 3, StageOf};

}  // namespace

Value Ignore(Machine& m, Thunk* const* a, SourceRange call) {
  std::vector<std::string> patterns;
  for (const std::string& line : m.ForceStringList(a[0], call, "the patterns"))
    if (std::string p = graph::CleanIgnorePattern(line); !p.empty()) patterns.push_back(p);
  const graph::Node* node = m.ForceNode(a[1], call, "the local source");
  std::string path = HostPath(m, node, call, "ignore: the artifact");
  if (!Excludes(node).empty())
    m.Fail(call, "ignore: this local source is already filtered; give all patterns at once");
  if (patterns.empty()) return Value::Node(node);
  bool keep_modes = KeepsModes(node);
  graph::LocalSourceHasher& hasher = m.hasher();
  graph::LocalSourceHasher::Result hash = hasher.Hash(path, patterns, "", keep_modes);
  if (!hash.error.empty()) m.Fail(call, "ignore: " + hash.error);
  const nlohmann::json* name = node->Find("name");
  return Value::Node(graph::MakeLocal(m.graph(), path, name ? name->get<std::string>() : "",
                                      hash.digest, patterns, "", call, keep_modes));
}

// `keepModes ./src`: the same files, their modes as they are on disk (a Dockerfile's context,
// as BuildKit copies it) instead of normalised to 0644/0755; the digest covers them.
Value KeepModes(Machine& m, Thunk* const* a, SourceRange call) {
  const graph::Node* node = m.ForceNode(a[0], call, "the local source");
  std::string path = HostPath(m, node, call, "keepModes: the artifact");
  if (KeepsModes(node)) return Value::Node(node);
  std::string base;
  if (const nlohmann::json* outer = node->Find("exclude_base"); outer && outer->is_string())
    base = *outer;
  std::vector<std::string> exclude = Excludes(node);
  graph::LocalSourceHasher::Result hash = m.hasher().Hash(path, exclude, base, /*keep_modes=*/true);
  if (!hash.error.empty()) m.Fail(call, "keepModes: " + hash.error);
  const nlohmann::json* name = node->Find("name");
  return Value::Node(graph::MakeLocal(m.graph(), path, name ? name->get<std::string>() : "",
                                      hash.digest, exclude, base, call, /*keep_modes=*/true));
}

Value DockerfileBuiltin(Machine& m, Thunk* const* a, SourceRange call) {
  const graph::Node* final_stage = Lower(m, a[0], a[1], "", call);
  auto* stage = m.heap().New<FunctionData>();
  stage->builtin = &kStageOf;
  Thunk** args = m.heap().Array<Thunk*>(2);
  args[0] = a[0];
  args[1] = a[1];
  stage->args = args;
  stage->arg_count = 2;
  RecordField fields[] = {{Symbol::Intern("final"), m.heap().Done(Value::Node(final_stage))},
                          {Symbol::Intern("stage"), m.heap().Done(Value::Function(stage))}};
  return m.heap().Record(fields);
}

}  // namespace strata::eval
