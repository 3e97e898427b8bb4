// `strata export --dockerfile`: walks a target's graph and writes the Dockerfile and context.
//
// Every stage node a COPY --from or a RUN --mount names, and the target, becomes one Dockerfile
// stage: FROM its root (scratch, a pull by digest, or a pre-built input's stage) or the stage
// of a node below it that already has one, then one instruction per exec, copy and config node
// on the way up. Artifacts other than a selection out of a stage are built by Strata and put
// into the context as files, laid out as the runtime's own copy would lay them out.
#include "runtime/export/dockerfile_export.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>

#include "compiler/graph/image_config_fold.h"
#include "compiler/graph/op_params.h"
#include "runtime/export/context_files.h"
#include "runtime/export/dockerfile_words.h"
#include "runtime/schedule/executor.h"

namespace strata::exporter {
namespace {

using graph::Node;
using graph::Op;

llvm::Error NodeError(const Node& node, const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s node %s (%s): %s",
                                 std::string(graph::OpName(node.op())).c_str(),
                                 node.key().Hex().c_str(), schedule::Describe(node).c_str(),
                                 message.c_str());
}

llvm::Error NodeError(const Node& node, llvm::Error err) {
  return NodeError(node, llvm::toString(std::move(err)));
}

// A COPY source: a path in a named stage (`from`), or in the context.
struct Source {
  std::string from;
  std::string path;
  bool empty = false;  // a wildcard selection that matched nothing: the copy adds nothing
};

// A shell-form RUN holds the command exactly when it is one line that the Dockerfile parser
// takes as it is (not JSON, no line continuation).
bool ShellFormSafe(const std::string& command) {
  return !command.empty() && command.find('\n') == std::string::npos &&
         command.find('\r') == std::string::npos && command.front() != '[' &&
         command.front() != ' ' && command.back() != '\\';
}

// A value inside `--mount=k=v,...` or `--chown=...`: no separators BuildKit would split on.
llvm::Expected<std::string> FlagValue(const Node& node, const std::string& value) {
  if (value.find_first_of(", \t\n\"'$") != std::string::npos || value.empty())
    return NodeError(node, "'" + value + "' has no form in a Dockerfile flag");
  return value;
}

class Exporter {
 public:
  Exporter(const std::string& dir, const ExportHooks& hooks) : dir_(dir), hooks_(hooks) {}

  llvm::Expected<ExportResult> Run(const Node& target) {
    llvm::Expected<std::string> name = EmitStage(target);
    if (!name) return name.takeError();
    // Only a warning: a base whose config cannot be had here (a pull without the registry)
    // does not stop the export.
    llvm::Expected<nlohmann::json> config = Config(target);
    if (!config)
      llvm::consumeError(config.takeError());
    else if (config->value("WorkingDir", std::string()).empty())
      result_.warnings.push_back(
          "the image has no WorkingDir; BuildKit's has \"/\" (the same directory to run in)");
    if (config && config->contains("Env") && (*config)["Env"].is_array() &&
        !(*config)["Env"].empty() && graph::EnvValue(*config, "PATH") &&
        (*config)["Env"][0].get<std::string>().rfind("PATH=", 0) != 0)
      result_.warnings.push_back(
          "the image's Env lists PATH after other variables; BuildKit's may list it first "
          "(FROM scratch sets it before any ENV)");
    if (config && !graph::EnvValue(*config, "PATH"))
      result_.warnings.push_back(
          "the image has no PATH; BuildKit gives every FROM scratch image "
          "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin, and a Dockerfile "
          "cannot unset it");
    result_.dockerfile =
        "# Exported by strata export --dockerfile (docs/export.md): the image of node\n"
        "# " +
        target.key().Hex() +
        ". Build it with BuildKit; context files are under ctx/ and\n"
        "# prebuilt/.\n" +
        text_;
    std::ofstream out(dir_ + "/Dockerfile", std::ios::binary);
    out << result_.dockerfile;
    out.close();
    if (!out)
      return llvm::createStringError(llvm::inconvertibleErrorCode(), "cannot write '%s/Dockerfile'",
                                     dir_.c_str());
    return std::move(result_);
  }

 private:
  // The image config at `stage`, with the bases' own configs from Strata's build of them.
  llvm::Expected<nlohmann::json> Config(const Node& stage) {
    return graph::FoldStageConfig(stage, [&](const Node& root) -> llvm::Expected<nlohmann::json> {
      llvm::Expected<schedule::NodeOutput> built = hooks_.build(root);
      if (!built) return built.takeError();
      return built->image.config;
    });
  }

  llvm::Expected<std::string> EmitStage(const Node& stage) {
    if (auto it = names_.find(&stage); it != names_.end()) return it->second;
    std::vector<const Node*> chain;  // from `stage` down, not including the base
    const Node* base = &stage;
    while ((base->op() == Op::kExec || base->op() == Op::kCopy || base->op() == Op::kConfig) &&
           !names_.count(base)) {
      chain.push_back(base);
      base = base->inputs()[0];
    }
    std::string from;
    if (auto it = names_.find(base); it != names_.end()) {
      from = it->second;
    } else if (base->op() == Op::kScratch) {
      from = "scratch";
    } else if (base->op() == Op::kPull) {
      llvm::Expected<graph::PullParams> pull = graph::DecodePull(*base);
      if (!pull) return pull.takeError();
      from = pull->ref;
      if (!pull->digest.empty() && from.find('@') == std::string::npos) from += "@" + pull->digest;
    } else if (graph::IsStage(base)) {
      llvm::Expected<std::string> prebuilt = EmitPrebuilt(*base);
      if (!prebuilt) return prebuilt.takeError();
      from = *prebuilt;
      if (chain.empty()) return from;
    } else {
      return NodeError(*base, "an artifact where a stage was expected");
    }
    std::string body;
    std::map<std::string, std::string> args;  // this Dockerfile stage's ARGs so far
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const Node& node = **it;
      const Node* next = it + 1 == chain.rend() ? nullptr : *(it + 1);
      llvm::Error err = node.op() == Op::kConfig ? EmitConfig(node, body)
                        : node.op() == Op::kCopy ? EmitCopy(node, next, body)
                                                 : EmitExec(node, args, body);
      if (err) return err;
    }
    std::string name = "s" + std::to_string(next_stage_++);
    text_ += "\nFROM " + from + " AS " + name + "\n" + body;
    names_[&stage] = name;
    return name;
  }

  // A stage BuildKit cannot make (load, debian, minimal): Strata builds it, and its layers go
  // into the context, unpacked by ADD onto scratch, with its config as instructions.
  llvm::Expected<std::string> EmitPrebuilt(const Node& root) {
    llvm::Expected<schedule::NodeOutput> built = hooks_.build(root);
    if (!built) return NodeError(root, built.takeError());
    const oci::Image& image = built->image;
    if (!image.onbuild.empty() || image.config.contains("OnBuild"))
      return NodeError(root, "a pre-built base with ONBUILD triggers has no Dockerfile form");
    std::string rel = "prebuilt/" + root.key().Hex().substr(0, 12);
    llvm::Expected<std::vector<std::string>> layers =
        WriteLayers(*hooks_.store, image, dir_ + "/" + rel);
    if (!layers) return NodeError(root, layers.takeError());
    llvm::Expected<std::string> config = ConfigInstructions(image.config);
    if (!config) return NodeError(root, config.takeError());
    std::string name = "s" + std::to_string(next_stage_++);
    text_ += "\n# " + schedule::Describe(root) + ": built by Strata, its layers in the context\n";
    text_ += "FROM scratch AS " + name + "\n";
    for (const std::string& layer : *layers) text_ += "ADD " + rel + "/" + layer + " /\n";
    text_ += *config;
    names_[&root] = name;
    return name;
  }

  // `exclude` and `chmod` of a copy from the context are applied to the files written.
  llvm::Expected<Source> ResolveArtifact(const Node& artifact,
                                         const std::vector<std::string>& exclude,
                                         const std::string& chmod, bool in_context) {
    if (!in_context && artifact.op() == Op::kSelect && graph::IsStage(artifact.inputs()[0])) {
      llvm::Expected<graph::SelectParams> select = graph::DecodeSelect(artifact);
      if (!select) return select.takeError();
      llvm::Expected<std::string> from = EmitStage(*artifact.inputs()[0]);
      if (!from) return from.takeError();
      return Source{*from, select->path};
    }
    std::string cache_key = artifact.key().Hex() + nlohmann::json(exclude).dump() + chmod;
    if (auto it = context_.find(cache_key); it != context_.end()) return it->second;
    llvm::Expected<schedule::NodeOutput> built = hooks_.build(artifact);
    if (!built) return NodeError(artifact, built.takeError());
    Source source;
    if (built->empty_match) {
      source.empty = true;
    } else {
      std::string rel = "ctx/" + artifact.key().Hex().substr(0, 12);
      if (!exclude.empty() || !chmod.empty()) rel += "-" + std::to_string(context_.size());
      llvm::Expected<std::string> name = WriteArtifact(*built, exclude, chmod, dir_ + "/" + rel);
      if (!name) return NodeError(artifact, name.takeError());
      source.path = name->empty() ? rel : rel + "/" + *name;
    }
    context_[cache_key] = source;
    return source;
  }

  llvm::Error EmitConfig(const Node& node, std::string& body) {
    llvm::Expected<graph::ConfigParams> params = graph::DecodeConfig(node);
    if (!params) return params.takeError();
    llvm::Expected<std::string> line = ConfigInstruction(params->field, params->value);
    if (!line) return NodeError(node, line.takeError());
    body += *line;
    if (params->field == "entrypoint") {
      // BuildKit's ENTRYPOINT drops a CMD the stage did not set itself; Strata's keeps it.
      llvm::Expected<nlohmann::json> config = Config(node);
      if (!config) return NodeError(node, config.takeError());
      if (config->contains("Cmd") && (*config)["Cmd"].is_array())
        body += "CMD " + JsonArray((*config)["Cmd"]) + "\n";
    }
    return llvm::Error::success();
  }

  llvm::Error EmitCopy(const Node& node, const Node* next, std::string& body) {
    llvm::Expected<graph::CopyParams> params = graph::DecodeCopy(node);
    if (!params) return params.takeError();
    const graph::CopyOptions& options = params->options;
    // An archive to unpack (ADD) always comes from the context: ADD takes no --from.
    bool extract = options.extract;
    std::vector<std::string> no_exclude;
    const Node& artifact = *node.inputs()[1];
    // A copy of scratch's empty root only makes its destination directory: what a Dockerfile's
    // WORKDIR lowers to, beside the workdir config node whose WORKDIR makes it again.
    const Node* source_root = artifact.op() == Op::kSelect ? artifact.inputs()[0] : &artifact;
    if (source_root->op() == Op::kScratch) {
      llvm::Expected<graph::ConfigParams> workdir =
          next && next->op() == Op::kConfig ? graph::DecodeConfig(*next)
                                            : llvm::Expected<graph::ConfigParams>(NodeError(
                                                  node, "a directory made out of nothing"));
      if (!workdir) return NodeError(node, workdir.takeError());
      if (workdir->field != "workdir")
        return NodeError(node, "an empty directory made without WORKDIR has no Dockerfile form");
      body += "# " + schedule::Describe(node) + ": made by the WORKDIR that follows\n";
      return llvm::Error::success();
    }
    bool from_stage =
        !extract && artifact.op() == Op::kSelect && graph::IsStage(artifact.inputs()[0]);
    llvm::Expected<Source> source =
        ResolveArtifact(artifact, from_stage ? no_exclude : options.exclude,
                        from_stage ? "" : options.chmod, extract);
    if (!source) return source.takeError();
    if (source->empty) {
      body += "# " + schedule::Describe(node) + ": the selection matched nothing\n";
      return llvm::Error::success();
    }
    std::string line = extract ? "ADD" : "COPY";
    if (!source->from.empty()) line += " --from=" + source->from;
    for (auto [flag, value] : {std::pair{"chown", options.chown},
                               std::pair{"chmod", from_stage ? options.chmod : std::string()}})
      if (!value.empty()) {
        llvm::Expected<std::string> word = FlagValue(node, value);
        if (!word) return word.takeError();
        line += std::string(" --") + flag + "=" + *word;
      }
    if (options.link) line += " --link";
    if (from_stage)
      for (const std::string& pattern : options.exclude) {
        llvm::Expected<std::string> word = FlagValue(node, pattern);
        if (!word) return word.takeError();
        line += " --exclude=" + *word;
      }
    nlohmann::json words = nlohmann::json::array({source->path, params->dest});
    bool plain = true;
    for (const std::string& word : {source->path, params->dest}) {
      if (word.find_first_of("$\n\r") != std::string::npos)
        return NodeError(node, "the path '" + word + "' has no Dockerfile form");
      llvm::Expected<std::string> quoted = QuoteWord(word);
      if (!quoted) return NodeError(node, quoted.takeError());
      plain = plain && *quoted == word;
    }
    body += line + " " + (plain ? source->path + " " + params->dest : JsonArray(words)) + "\n";
    return llvm::Error::success();
  }

  llvm::Error EmitExec(const Node& node, std::map<std::string, std::string>& args,
                       std::string& body) {
    llvm::Expected<graph::ExecParams> params = graph::DecodeExec(node);
    if (!params) return params.takeError();
    // The step's own variables (a Dockerfile's ARGs) become ARGs: they hold for the rest of
    // the stage, so a later step must have the same ones.
    std::map<std::string, std::string> env;
    for (const std::string& pair : params->env) {
      size_t equals = pair.find('=');
      env[pair.substr(0, equals)] = equals == std::string::npos ? "" : pair.substr(equals + 1);
    }
    for (const auto& [name, value] : args)
      if (!env.count(name))
        return NodeError(node, "an earlier step of the stage sets the variable " + name +
                                   " for itself only, which a Dockerfile ARG cannot undo");
    for (const auto& [name, value] : env) {
      if (auto it = args.find(name); it != args.end() && it->second == value) continue;
      llvm::Expected<std::string> word = QuoteWord(value);
      if (!word) return NodeError(node, word.takeError());
      body += "ARG " + name + "=" + *word + "\n";
      args[name] = value;
    }
    std::string flags;
    auto mount = [&](const std::string& spec) { flags += "--mount=" + spec + " "; };
    for (const std::string& dir : params->cache) {
      llvm::Expected<std::string> target = FlagValue(node, dir);
      if (!target) return target.takeError();
      mount("type=cache,target=" + *target);
    }
    for (const graph::CacheMount& cache : params->caches) {
      llvm::Expected<std::string> target = FlagValue(node, cache.target);
      if (!target) return target.takeError();
      llvm::Expected<std::string> id = FlagValue(node, cache.id);
      if (!id) return id.takeError();
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", cache.mode);
      mount("type=cache,target=" + *target + ",id=" + *id + ",uid=" + std::to_string(cache.uid) +
            ",gid=" + std::to_string(cache.gid) + ",mode=" + mode);
    }
    for (const graph::SecretMount& secret : params->secrets) {
      llvm::Expected<std::string> id = FlagValue(node, secret.id);
      if (!id) return id.takeError();
      llvm::Expected<std::string> target = FlagValue(node, secret.target);
      if (!target) return target.takeError();
      // BuildKit's default is required=false; Strata's, true.
      mount("type=secret,id=" + *id + ",target=" + *target +
            (secret.required ? ",required=true" : ""));
      if (std::find(result_.secrets.begin(), result_.secrets.end(), secret.id) ==
          result_.secrets.end())
        result_.secrets.push_back(secret.id);
    }
    for (const std::string& dir : params->tmpfs) {
      llvm::Expected<std::string> target = FlagValue(node, dir);
      if (!target) return target.takeError();
      mount("type=tmpfs,target=" + *target);
    }
    for (size_t i = 0; i < params->mount_targets.size(); ++i) {
      llvm::Expected<Source> source = ResolveArtifact(*node.inputs()[i + 1], {}, "", false);
      if (!source) return source.takeError();
      if (source->empty) return NodeError(node, "a mount of a selection that matched nothing");
      llvm::Expected<std::string> path = FlagValue(node, source->path);
      if (!path) return path.takeError();
      llvm::Expected<std::string> target = FlagValue(node, params->mount_targets[i]);
      if (!target) return target.takeError();
      bool writable = i < params->mount_writable.size() && params->mount_writable[i];
      mount("type=bind" + (source->from.empty() ? "" : ",from=" + source->from) +
            ",source=" + *path + ",target=" + *target + (writable ? ",rw" : ""));
    }
    if (params->network) {
      result_.network = true;
      body +=
          "# needs the network (build without --network=none); Strata checks its output\n"
          "# against sha256 " +
          params->output_sha256 + ", BuildKit does not\n";
    }
    if (params->shell && ShellFormSafe(*params->shell)) {
      body += "RUN " + flags + *params->shell + "\n";
      return llvm::Error::success();
    }
    nlohmann::json argv = nlohmann::json::array();
    if (params->shell) {
      // A command over several lines: the exec form of the stage's SHELL, as the shell form is.
      llvm::Expected<nlohmann::json> config = Config(*node.inputs()[0]);
      if (!config) return NodeError(node, config.takeError());
      argv = config->contains("Shell") ? (*config)["Shell"] : nlohmann::json{"/bin/sh", "-c"};
      argv.push_back(*params->shell);
    } else {
      argv = params->argv;
    }
    body += "RUN " + flags + JsonArray(argv) + "\n";
    return llvm::Error::success();
  }

  std::string dir_;
  const ExportHooks& hooks_;
  ExportResult result_;
  std::string text_;
  std::map<const Node*, std::string> names_;
  std::map<std::string, Source> context_;
  int next_stage_ = 0;
};

}  // namespace

llvm::Expected<ExportResult> ExportDockerfile(const graph::Node& target, const std::string& dir,
                                              const ExportHooks& hooks) {
  if (!graph::IsStage(&target))
    return NodeError(target, "the target is an artifact; export takes a stage");
  return Exporter(dir, hooks).Run(target);
}

}  // namespace strata::exporter
