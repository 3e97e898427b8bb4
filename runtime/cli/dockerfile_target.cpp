// Building a Dockerfile target: its ONBUILD triggers spliced in, then lowered into the
// session's graph.
#include "runtime/cli/dockerfile_target.h"

#include <fstream>
#include <functional>
#include <iostream>

#include "compiler/dockerfile/dockerignore.h"
#include "compiler/dockerfile/lower.h"
#include "compiler/dockerfile/parser.h"
#include "compiler/eval/lockfile.h"
#include "compiler/graph/ops.h"
#include "runtime/cli/base_images.h"

namespace strata::cli {
namespace {

// BuildKit runs a base image's ONBUILD triggers as if written right after its FROM. The
// lowering reads no images, so they are spliced in here, for the bases known now: an earlier
// stage (its own ONBUILD lines) and an `oci-layout://` build context (its config). A marker
// ONBUILD with no text goes first: the runtime's config op clears the inherited triggers then.
// False after reporting a trigger that does not parse.
bool SpliceOnbuildTriggers(dockerfile::Dockerfile& parsed, BaseImages& bases,
                           diag::SourceManager& sources, diag::DiagnosticEngine& diags) {
  using dockerfile::InstructionKind;
  std::map<std::string, size_t> stage_index;           // lowercased stage name -> index
  std::vector<std::vector<std::string>> stage_triggers;  // each stage's own ONBUILD texts
  std::vector<dockerfile::Instruction> result;
  for (dockerfile::Instruction& in : parsed.instructions) {
    if (in.kind == InstructionKind::kOnbuild && !stage_triggers.empty()) {
      std::vector<std::string>* current = &stage_triggers.back();
      std::string_view text = in.original;
      text.remove_prefix(std::min(text.size(), text.find_first_not_of(" \t")));
      text.remove_prefix(std::min(text.size(), in.name.size()));
      current->push_back(std::string(text.substr(std::min(text.size(), text.find_first_not_of(" \t")))));
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
      triggers = bases.Triggers(base);
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
    for (size_t i = 1; i < extra->instructions.size(); ++i) result.push_back(std::move(extra->instructions[i]));
  }
  parsed.instructions = std::move(result);
  return true;
}

// `-f -`: the Dockerfile is what stdin holds, at most diag::kMaxSourceBytes, registered as
// `<stdin>` so diagnostics name it.
std::optional<diag::FileId> ReadStdin(diag::SourceManager& sources, std::string* reason) {
  std::string text;
  char buffer[65536];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > diag::kMaxSourceBytes) {
      *reason = "more than " + std::to_string(diag::kMaxSourceBytes >> 20) + " MiB; a Dockerfile may be at most that";
      return std::nullopt;
    }
  }
  return sources.AddBuffer("<stdin>", std::move(text));
}

}  // namespace

// Lowers `flags.input.file` as a Dockerfile into the session's graph (LowerDockerfileFile's
// steps, with ONBUILD triggers spliced in); null after errors (in the session's diagnostics,
// with the Dockerfile's file:line:col).
const graph::Node* LowerDockerfileTarget(const BuildFlags& flags, Session& session,
                                         graph::LocalSourceHasher& hasher) {
  const std::string& file = flags.input.file;
  diag::DiagnosticEngine& diags = session.diags();
  // strata.lock beside the Dockerfile pins FROM images, as it pins `image "ref"`.
  llvm::Expected<std::optional<eval::Lockfile>> lock = eval::Lockfile::Load(eval::LockfilePathFor(file));
  if (!lock) {
    diags.Error({}, llvm::toString(lock.takeError()));
    return nullptr;
  }
  auto lockfile = std::make_shared<eval::Lockfile>(*lock ? std::move(**lock) : eval::Lockfile());
  std::string reason;
  const bool from_stdin = file == "-";
  std::optional<diag::FileId> id = from_stdin ? ReadStdin(session.sources(), &reason)
                                              : session.sources().AddFile(file, &reason);
  if (!id) {
    diags.Error({}, "cannot read Dockerfile " + std::string(from_stdin ? "from stdin" : file) + ": " + reason);
    return nullptr;
  }
  std::optional<dockerfile::Dockerfile> parsed = dockerfile::ParseDockerfile(session.sources(), *id, diags);
  // Base images' configs: their ONBUILD triggers run after their FROM, and their Env is what
  // `$VAR` expands with (a registry image's config is pulled; its blobs stay in the store).
  BaseImages bases(flags.build_contexts, lockfile);
  if (!parsed || !SpliceOnbuildTriggers(*parsed, bases, session.sources(), diags))
    return nullptr;

  // From stdin there is no file beside which a `.dockerignore` could be, and the context
  // defaults to the current directory (`docker build -f - .`).
  std::string dockerfile_path = from_stdin ? "" : dockerfile::AbsolutePath(file);
  std::string context_dir = !flags.context_dir.empty() ? dockerfile::AbsolutePath(flags.context_dir)
                            : from_stdin             ? dockerfile::AbsolutePath(".")
                                                     : dockerfile_path.substr(0, dockerfile_path.find_last_of('/'));
  if (context_dir.empty()) context_dir = "/";
  dockerfile::LowerOptions lower;
  lower.build_args = flags.build_args;
  lower.target = flags.target;
  bool locked = flags.locked;
  diag::FileId file_id = *id;
  lower.pin_image = [lockfile, locked, &diags, file_id](const std::string& ref) {
    std::string digest = lockfile->Lookup(ref);
    // --locked: the Dockerfile's own file names the input (the FROM's line is not known here).
    if (locked && digest.empty() && ref.find("@sha256:") == std::string::npos)
      diags.Error({file_id, 0, 0}, "--locked: image \"" + ref + "\" (a FROM) is not pinned by strata.lock (run `strata lock`)");
    return digest;
  };
  lower.hasher = &hasher;
  lower.base_image_env = bases.EnvFunction();
  std::string error;
  lower.context = dockerfile::MakeContextNode(
      session.graph(), hasher, context_dir,
      dockerfile::ReadDockerignore(dockerfile::FindDockerignore(dockerfile_path, context_dir)), error);
  if (!lower.context) {
    diags.Error({*id, 0, 0}, "cannot read the build context: " + error);
    return nullptr;
  }
  for (const auto& [name, spec] : flags.build_contexts) {
    const graph::Node* node = dockerfile::MakeBuildContextNode(spec, session.graph(), hasher, error);
    if (!node) {
      diags.Error({*id, 0, 0}, "cannot read build context \"" + name + "\": " + error);
      return nullptr;
    }
    lower.build_contexts[name] = node;
  }
  return dockerfile::LowerDockerfile(*parsed, lower, session.graph(), diags);
}

}  // namespace strata::cli
