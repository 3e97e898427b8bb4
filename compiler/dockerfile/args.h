// ARG scoping and the "expanded" view: each stage's instructions with their words expanded.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diag/diagnostics.h"
#include "compiler/dockerfile/instructions.h"
#include "compiler/dockerfile/shell_lexer.h"

namespace strata::dockerfile {

// The Env of an external base image (`FROM ref`, or a named build context holding an image),
// as NAME -> value, or nullopt when it is not known. BuildKit expands `$PATH` in `ENV
// PATH=/x:$PATH` with the base image's value; without this the base's env is unknown (empty).
// The PATH BuildKit gives a `FROM scratch` stage (its empty image's Env), on Linux.
inline constexpr const char* kDefaultPathEnv =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

using BaseImageEnv = std::function<std::optional<ShellEnv>(const std::string& base)>;

// The config fields of an external base image the planner needs beyond Env: `User` (WORKDIR
// makes its directory owned by the user in effect, as BuildKit does), `WorkingDir` (a relative
// WORKDIR is joined to it) and whether Env holds PATH (BuildKit adds the default when not).
struct BaseImageDefaults {
  std::string user;
  std::string workdir;
  bool has_path = true;
};
using BaseImageDefaultsFn =
    std::function<std::optional<BaseImageDefaults>(const std::string& base)>;

struct ExpandOptions {
  std::map<std::string, std::string> build_args;  // `--build-arg K=V`
  BaseImageEnv base_image_env;                    // may be empty
  std::string target_platform = "linux/amd64";    // os/arch[/variant]
  std::string build_platform = "linux/amd64";
};

struct KeyValue {
  std::string key;
  std::optional<std::string> value;  // nullopt for a bare `ARG x`
};

// One instruction with its words expanded where BuildKit expands them: ADD COPY ENV EXPOSE
// FROM LABEL STOPSIGNAL USER VOLUME WORKDIR ARG (EXPOSE splits words). RUN, CMD, ENTRYPOINT,
// SHELL, HEALTHCHECK and ONBUILD keep their text: the shell (or the child build) expands them.
struct ExpandedInstruction {
  const Instruction* source = nullptr;
  std::vector<Flag> flags;  // --chown/--chmod/--exclude/--checksum/--platform/--mount expanded
  std::vector<std::string> args;  // expanded words (ENV/LABEL/ARG: see pairs)
  std::vector<KeyValue> pairs;    // ENV, LABEL, ARG: expanded key/value pairs
  // COPY, ADD: each heredoc's content (`<<-` tabs stripped), $-expanded unless quoted.
  std::vector<std::string> heredocs;
};

struct ExpandedStage {
  size_t index = 0;
  std::string name;                     // the `AS` name, lowercased; "" when unnamed
  std::string base;                     // FROM's image (or stage name) after expansion
  std::optional<size_t> base_stage;     // when `base` names an earlier stage
  std::optional<std::string> platform;  // FROM --platform after expansion
  const Instruction* from = nullptr;
  std::vector<ExpandedInstruction> instructions;  // after FROM
  ShellEnv args;  // ARG values in scope at the end of the stage (a stage base's included)
  ShellEnv env;   // ENV values set in this stage (and inherited from a stage base)
};

struct ExpandedDockerfile {
  ShellEnv global_args;  // predefined platform args, then global ARGs (build args applied)
  std::vector<ExpandedInstruction> global_instructions;  // the ARGs before the first FROM
  std::vector<ExpandedStage> stages;
};

// The predefined TARGET*/BUILD* platform args for the options' platforms.
ShellEnv PredefinedArgs(const ExpandOptions& options);

// Walks the stages applying BuildKit's ARG rules: global ARGs (before the first FROM) are
// visible only to FROM lines unless re-declared with a bare `ARG x` in a stage; a stage ARG is
// visible to the instructions after it and to stages built FROM its stage; a bare `ARG x`
// keeps the value x has; the last ENV or ARG setting a name wins in expansion
// (a RUN's environment: ENV wins, the runtime's rule); user build args override defaults.
// Warns about build args no ARG consumed and global ARGs nothing used. Expansion errors are
// reported as `failed to process "word": reason`; returns nullopt after any error.
std::optional<ExpandedDockerfile> ExpandDockerfile(const Dockerfile& dockerfile,
                                                   const ExpandOptions& options,
                                                   diag::DiagnosticEngine& diags);

}  // namespace strata::dockerfile
