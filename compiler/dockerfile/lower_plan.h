// The lowering plan: each needed stage of a Dockerfile as a base and a list of steps.
//
// Planning does everything that needs Dockerfile knowledge (ARG scoping, --mount parsing,
// glob expansion against the context, stage references); the plan is then either made into
// graph nodes (lower.cpp) or printed as Strata source (translate.cpp). One plan for both is
// what keeps `strata import`'s output at the same derivation keys as the direct lowering.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/args.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/graph/ops.h"

namespace strata::dockerfile {

// Where an artifact (or a base) comes from.
struct PlanSource {
  enum class Kind { kContext, kStage, kImage, kNamedContext, kFetch, kScratch, kText };
  Kind kind = Kind::kContext;
  size_t stage = 0;  // kStage
  // kImage: the reference; kNamedContext: the context's name; kFetch: URL; kText: file name
  std::string name;
  std::string sha256;   // kFetch
  std::string content;  // kText: a heredoc's content
  // The selected path; "" for the whole node. Relative ("src/a.go") in a local context,
  // absolute ("/out/app") in a stage or image.
  std::string path;
};

struct PlanMount {
  PlanSource source;
  std::string target;
  bool writable = false;  // `rw`: the step writes to its own copy, thrown away after it
};

struct PlanStep {
  enum class Kind { kRun, kCopy, kConfig };
  Kind kind = Kind::kRun;
  const Instruction* instruction = nullptr;  // origin and comments
  bool first_of_instruction = true;          // comments go before the first step only

  // kRun
  bool argv_form = false;
  std::string shell;              // the command when !argv_form
  std::vector<std::string> argv;  // when argv_form
  std::vector<std::string> cache;
  std::vector<graph::CacheMount> caches;  // cache mounts with an id, uid, gid or mode
  std::vector<graph::SecretMount> secrets;
  std::vector<PlanMount> mounts;
  std::vector<std::string> tmpfs;
  std::vector<std::string> env;  // "NAME=value", sorted by name
  // Parallel to env: the global ARG (a translation parameter) the value comes from, or "".
  std::vector<std::string> env_params;

  // kCopy
  PlanSource source;
  std::string dest;
  graph::CopyOptions copy;

  // kConfig
  std::string field;
  nlohmann::json value;
};

struct StagePlan {
  size_t index = 0;
  std::string name;  // the `AS` name, lowercased; "" when unnamed
  const Instruction* from = nullptr;
  PlanSource base;  // kScratch, kStage, kImage or kNamedContext
  // For a kImage base: the FROM word with `$X`/`${X}` of global ARGs kept ("" if none).
  std::string base_template;
  std::vector<PlanStep> steps;
};

// A named build context (`--build-context name=...`).
struct NamedContext {
  enum class Kind { kLocal, kImage };
  Kind kind = Kind::kLocal;
  std::string host_dir;  // kLocal: the directory (for globs)
};

struct PlanOptions {
  std::map<std::string, std::string> build_args;
  std::string target;  // a stage name or index; "" for the last stage
  std::string target_platform = "linux/amd64";
  std::string context_dir;                   // "" when there is no build context
  std::vector<std::string> context_exclude;  // .dockerignore patterns of the context
  std::map<std::string, NamedContext> named_contexts;
  bool all_stages = false;      // plan every stage, not only those the target needs (translation)
  BaseImageEnv base_image_env;  // args.h; may be empty
  BaseImageDefaultsFn base_image_defaults;  // args.h; may be empty
};

// A global ARG as a translation parameter.
struct PlanParam {
  std::string name;
  std::string default_value;  // the default after expansion ("" when none)
};

struct DockerfilePlan {
  std::vector<StagePlan> stages;  // every stage; `needed` says which ones are planned
  std::vector<bool> needed;
  size_t target = 0;
  std::vector<PlanParam> params;  // global ARGs, in order (each name once)
  bool uses_context = false;
  std::vector<std::string> named_contexts_used;  // sorted
};

// Plans the target stage and every stage it needs. Errors (a missing COPY source, an ADD of
// a URL without --checksum, an unknown --mount type, ...) are reported to `diags`, all of
// them; returns nullopt when there was any.
std::optional<DockerfilePlan> PlanDockerfile(const Dockerfile& dockerfile,
                                             const PlanOptions& options,
                                             diag::DiagnosticEngine& diags);

}  // namespace strata::dockerfile
