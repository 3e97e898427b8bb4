// Evaluating the program, building its target stage and writing the image into the store.
#include "runtime/cli/build_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include "compiler/driver/workspace.h"
#include "compiler/graph/op_params.h"
#include "compiler/graph/ops.h"
#include "runtime/cli/base_images.h"
#include "runtime/cli/cancel_on_signal.h"
#include "runtime/cli/lower_target.h"
#include "runtime/cli/workspace_targets.h"
#include "runtime/exec/runc_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/registry_cache.h"
#include "runtime/schedule/store_lease.h"
#include "runtime/schedule/work_dir.h"

namespace strata::cli {
namespace {

int64_t ParseInt(const std::string& flag, const std::string& text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty() || value < 0)
    throw UsageError{flag + " " + text + ": expected a non-negative integer"};
  return value;
}

void Error(const std::string& message) { std::cerr << "strata: error: " << message << "\n"; }

}  // namespace

// `id=ID,src=FILE` (also `source=`; `type=file` accepted).
std::pair<std::string, std::string> ParseSecret(const std::string& text) {
  std::string id, src;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t equals = part.find('=');
    std::string key = part.substr(0, equals);
    std::string value = equals == std::string::npos ? "" : part.substr(equals + 1);
    if (key == "id")
      id = value;
    else if (key == "src" || key == "source")
      src = value;
    else if (!(key == "type" && value == "file"))
      throw UsageError{"--secret " + text + ": unknown field '" + key +
                       "' (expected id=ID,src=FILE)"};
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (id.empty() || src.empty()) throw UsageError{"--secret " + text + ": expected id=ID,src=FILE"};
  return {id, src};
}

// Secrets are files the user names: a missing one is a usage mistake, found before building.
bool SecretFilesReadable(const std::map<std::string, std::string>& secrets) {
  for (const auto& [id, file] : secrets) {
    struct stat st;
    if (::access(file.c_str(), R_OK) != 0 || ::stat(file.c_str(), &st) != 0) {
      Error("secret '" + id + "': cannot read '" + file + "'");
      return false;
    }
    if (!S_ISREG(st.st_mode)) {
      Error("secret '" + id + "': '" + file + "' is not a regular file" +
            (S_ISDIR(st.st_mode) ? " (a directory)" : ""));
      return false;
    }
  }
  return true;
}

void AddFrontendOptions(po::options_description& options) {
  options.add_options()(
      "frontend", po::value<std::string>()->value_name("NAME"),
      "strata or dockerfile (default: a .strata file or a directory holding build.strata is a "
      "program, any other -f FILE a Dockerfile)")(
      "context", po::value<std::string>()->value_name("DIR"),
      "Dockerfile: the build context (default: its dir; the current dir for -f -)")(
      "build-arg", po::value<std::vector<std::string>>()->composing()->value_name("K=V"),
      "Dockerfile: a build argument (repeatable)")(
      "build-context", po::value<std::vector<std::string>>()->composing()->value_name("NAME=SPEC"),
      "Dockerfile: a named context, local:DIR or oci-layout://DIR[:TAG] (repeatable)")(
      "target", po::value<std::string>()->value_name("NAME"),
      "Dockerfile: the stage to build (default: the last)");
}

void AddBuildOptions(po::options_description& options) {
  options.add_options()("jobs,j", po::value<std::string>()->value_name("N"),
                        "nodes built at once (default: cores)")(
      "store", po::value<std::string>()->value_name("DIR"),
      "the store (default $STRATA_STORE, else ~/.cache/strata)")(
      "progress", po::value<std::string>()->default_value("auto"),
      "auto, plain or json (on stderr)")(
      "secret", po::value<std::vector<std::string>>()->composing()->value_name("id=ID,src=FILE"),
      "a secret for RUN steps that declare it (repeatable)")(
      "no-cache", po::bool_switch(), "rebuild every node, ignoring cached results")(
      "locked", po::bool_switch(),
      "refuse every input strata.lock does not pin (image tags, debian bases, network steps)")(
      "source-date-epoch", po::value<std::string>()->value_name("N"),
      "timestamp of every file and image (default $SOURCE_DATE_EPOCH, else 0)")(
      "compression", po::value<std::string>()->default_value("gzip"), "gzip or zstd (new layers)")(
      "debian-mirror", po::value<std::string>()->value_name("URL"),
      "the mirror of `debian` bases that name none (default $STRATA_DEBIAN_MIRROR, else the host's "
      "apt sources)");
  AddFrontendOptions(options);
}

void GetFrontendFlags(const ParsedCommand& parsed, BuildFlags& flags) {
  const po::variables_map& values = parsed.values;
  flags.input = GetProgramInput(values);
  flags.store_dir = StoreDir(values);
  std::string frontend = values.count("frontend") ? values["frontend"].as<std::string>() : "";
  if (frontend.empty())
    flags.dockerfile = values.count("file") && !IsStrataProgramPath(flags.input.file);
  else if (frontend == "dockerfile")
    flags.dockerfile = true;
  else if (frontend != "strata")
    throw UsageError{"unknown --frontend '" + frontend + "': expected strata or dockerfile"};
  if (!parsed.positional.empty()) flags.target = parsed.positional[0];
  if (!parsed.positional.empty() && driver::IsLabelText(parsed.positional[0])) {
    if (values.count("file") || flags.dockerfile)
      throw UsageError{
          "-f and --frontend are for one program; a label names a package of the workspace"};
    if (!flags.input.args.empty())
      throw UsageError{"--arg is for one program; a workspace package takes its defaults"};
    flags.labels = parsed.positional;
  }
  if (flags.dockerfile) {
    if (!values.count("file")) throw UsageError{"--frontend dockerfile needs -f FILE"};
    if (!flags.input.args.empty())
      throw UsageError{"--arg is for Strata programs; use --build-arg with a Dockerfile"};
    if (parsed.positional.empty()) flags.target = "";
    if (values.count("target")) {
      std::string target = values["target"].as<std::string>();
      if (!parsed.positional.empty() && target != flags.target)
        throw UsageError{"two targets: '" + flags.target + "' and --target " + target};
      flags.target = target;
    }
    if (values.count("context")) {
      flags.context_dir = values["context"].as<std::string>();
      if (flags.context_dir.empty()) throw UsageError{"--context needs a directory"};
    }
    flags.build_args = KeyValues(values, "build-arg");
    flags.build_contexts = KeyValues(values, "build-context");
  } else {
    for (const char* flag : {"context", "build-arg", "build-context", "target"})
      if (values.count(flag))
        throw UsageError{std::string("--") + flag +
                         " is for Dockerfiles (-f FILE that is not a .strata program, "
                         "or --frontend dockerfile)"};
  }
}

BuildFlags GetBuildFlags(const ParsedCommand& parsed) {
  const po::variables_map& values = parsed.values;
  BuildFlags flags;
  GetFrontendFlags(parsed, flags);
  if (values.count("jobs")) {
    flags.jobs = static_cast<int>(ParseInt("-j", values["jobs"].as<std::string>()));
    if (flags.jobs == 0) throw UsageError{"-j 0: expected at least 1"};
  }
  std::string progress = values["progress"].as<std::string>();
  if (progress == "auto")
    flags.progress = schedule::ProgressMode::kAuto;
  else if (progress == "plain")
    flags.progress = schedule::ProgressMode::kPlain;
  else if (progress == "json")
    flags.progress = schedule::ProgressMode::kJson;
  else
    throw UsageError{"unknown --progress '" + progress + "': expected auto, plain or json"};
  if (values.count("secret"))
    for (const std::string& text : values["secret"].as<std::vector<std::string>>()) {
      auto [id, src] = ParseSecret(text);
      flags.secrets[id] = src;
    }
  flags.no_cache = values["no-cache"].as<bool>();
  flags.locked = values["locked"].as<bool>();
  if (values.count("source-date-epoch"))
    flags.source_date_epoch =
        ParseInt("--source-date-epoch", values["source-date-epoch"].as<std::string>());
  else if (const char* env = std::getenv("SOURCE_DATE_EPOCH"); env && *env)
    flags.source_date_epoch = ParseInt("SOURCE_DATE_EPOCH", env);
  if (values.count("debian-mirror")) {
    flags.debian_mirror = values["debian-mirror"].as<std::string>();
    if (flags.debian_mirror.rfind("http://", 0) != 0 &&
        flags.debian_mirror.rfind("https://", 0) != 0)
      throw UsageError{"--debian-mirror " + flags.debian_mirror +
                       ": expected an http:// or https:// URL"};
  }
  std::string compression = values["compression"].as<std::string>();
  if (compression == "gzip")
    flags.compression = oci::Compression::kGzip;
  else if (compression == "zstd")
    flags.compression = oci::Compression::kZstd;
  else
    throw UsageError{"unknown --compression '" + compression + "': expected gzip or zstd"};
  return flags;
}

namespace {

int BuildTargetUncancelled(const BuildFlags& flags,
                           const std::function<int(const BuiltImage&)>& then) {
  if (!SecretFilesReadable(flags.secrets)) return kExitProgramError;

  RegistryBaseImages base_images(flags.store_dir, /*may_create_store=*/true);
  driver::FrontendOptions frontend_options = FrontendOptionsFor(flags.store_dir, /*writes=*/true);
  frontend_options.lock_policy =
      flags.locked ? graph::LockPolicy::kLocked : graph::LockPolicy::kUse;
  frontend_options.base_images = &base_images;
  driver::Frontend frontend(frontend_options);
  std::vector<const graph::Node*> nodes;
  std::vector<std::string> labels;  // a label build: each node's label
  bool is_node = false;
  if (!flags.labels.empty()) {
    std::unique_ptr<driver::WorkspacePackages> workspace = OpenWorkspace(frontend);
    std::optional<std::vector<const driver::WorkspaceTarget*>> targets;
    if (workspace) targets = SelectTargets(*workspace, frontend, ParsePatterns(flags.labels));
    if (!targets) return FinishFrontend(frontend);
    for (const driver::WorkspaceTarget* target : *targets) {
      nodes.push_back(target->node);
      labels.push_back(target->Label());
    }
    if (nodes.empty())
      frontend.Error({}, "no target matches " + flags.labels[0]);
    else if (flags.one_target && nodes.size() > 1)
      frontend.Error({}, std::to_string(nodes.size()) +
                             " targets match; -o and --sbom take one (name one label)");
    is_node = nodes.size() == 1;
    if (int code = FinishFrontend(frontend); code != kExitOk) return code;
  } else if (!LowerTarget(flags, frontend, nodes, &is_node)) {
    return FinishFrontend(frontend);
  }
  if (!labels.empty()) {
    // Every target of a workspace is a stage (WorkspacePackages keeps only those).
  } else if (!is_node || nodes.size() != 1 || !graph::IsStage(nodes[0])) {
    frontend.Error({}, "target '" + flags.target + "' is not a Stage" +
                           (nodes.size() > 1 ? " (it holds several; name one of them)" : ""));
    return FinishFrontend(frontend);
  }
  if (int code = FinishFrontend(frontend); code != kExitOk) return code;  // prints warnings, if any

  llvm::Expected<store::Store> store = store::Store::Open(flags.store_dir);
  if (!store) {
    Error(llvm::toString(store.takeError()));
    return kExitProgramError;
  }
  llvm::Expected<schedule::StoreLease> lease = schedule::StoreLease::Acquire(
      *store, schedule::StoreLease::Mode::kShared,
      [] { std::cerr << "strata: waiting for `strata gc` to finish with the store\n"; });
  if (!lease) {
    Error(llvm::toString(lease.takeError()));
    return kExitProgramError;
  }
  // This build's runc state and bundles: a later command that finds the dir unlocked knows
  // the build is dead, and kills and unmounts what it left (CleanStaleWorkDirs, which this
  // command already ran on the store in FrontendOptionsFor).
  llvm::Expected<schedule::WorkDir> sandbox =
      schedule::WorkDir::Create(*store, "sandbox-" + std::to_string(::getpid()) + "-");
  if (!sandbox) {
    Error(llvm::toString(sandbox.takeError()));
    return kExitProgramError;
  }

  schedule::ExecutorOptions options;
  options.jobs = flags.jobs;
  options.no_cache = flags.no_cache;
  options.secrets = flags.secrets;
  options.layer.compression = flags.compression;
  options.layer.source_date_epoch = flags.source_date_epoch;
  options.debian_mirror = flags.debian_mirror;
  // --no-cache runs every node: it asks no remote cache either.
  std::optional<schedule::RegistryCache> remote_cache;
  if (!flags.cache_from.empty() && !flags.no_cache) {
    remote_cache.emplace(*store, flags.cache_from, [](const std::string& message) {
      std::cerr << "strata: warning: " << message << "\n";
    });
    options.remote_cache = &*remote_cache;
  }
  std::unique_ptr<schedule::ProgressSink> progress =
      schedule::MakeProgress(flags.progress, std::cerr, ::isatty(STDERR_FILENO) != 0);
  exec::RuncOptions runc_options;
  runc_options.state_root = sandbox->Path() + "/runc";
  runc_options.bundle_parent = sandbox->Path();
  exec::RuncRunner runner(runc_options);
  // A corrupt blob found on the way (extracting a layer, or checking the image before it
  // leaves the store) is removed; building again then rebuilds or refetches what it held.
  // Each round removes at least one blob, so this ends.
  // Targets one after another on one store and executor settings: what they share is built
  // once (the second finds it cached); each target's own independent nodes run in parallel.
  for (size_t n = 0; n < nodes.size(); ++n) {
    const graph::Node* node = nodes[n];
    std::optional<schedule::NodeOutput> output;
    std::optional<oci::WrittenImage> written;
    std::string record_key;
    for (;;) {
      size_t corrupt_before = store->CorruptBlobsRemoved();
      schedule::Executor executor(*store, runner, options, progress.get());
      record_key = executor.RecordKey(*node);
      llvm::Error err = [&]() -> llvm::Error {
        llvm::Expected<schedule::NodeOutput> built = executor.Build(node);
        if (!built) return built.takeError();
        output = std::move(*built);
        llvm::Expected<oci::WrittenImage> image =
            oci::WriteImage(*store, output->image, flags.source_date_epoch);
        if (!image) return image.takeError();
        written = std::move(*image);
        if (flags.check_blobs)
          for (const oci::LayerDescriptor& layer : output->image.layers)
            if (llvm::Error bad = store->CheckBlob(layer.digest)) return bad;
        return llvm::Error::success();
      }();
      if (!err) break;
      if (store->CorruptBlobsRemoved() == corrupt_before) {
        // A debian base fails on what the program named (a package, a suite): point at its call.
        const graph::Node* failed = executor.failed_node();
        // So does a network step (its hash is the program's or strata.lock's).
        bool network_step = false;
        if (failed && failed->op() == graph::Op::kExec) {
          if (llvm::Expected<graph::ExecParams> params = graph::DecodeExec(*failed))
            network_step = params->network;
          else
            llvm::consumeError(params.takeError());
        }
        // And a copy (COPY, ADD, a Dockerfile's WORKDIR) that the stage's files refuse: its line.
        bool copy_step = failed && failed->op() == graph::Op::kCopy;
        if (failed && (failed->op() == graph::Op::kDebian || network_step || copy_step) &&
            failed->origin().valid()) {
          llvm::consumeError(std::move(err));
          frontend.PrintError(std::cerr, failed->origin(), executor.failed_message());
          return kExitProgramError;
        }
        Error(llvm::toString(std::move(err)));
        return kExitProgramError;
      }
      std::cerr << "strata: warning: " << llvm::toString(std::move(err)) << "\n"
                << "strata: building again without it\n";
    }
    if (remote_cache && remote_cache->hits() > 0)
      std::cerr << "strata: remote cache: " << remote_cache->hits() << " node(s) fetched, "
                << schedule::HumanSize(static_cast<int64_t>(remote_cache->bytes_fetched()))
                << " downloaded\n";
    schedule::RootRecord record;
    record.key = record_key;
    record.node = node->key().Hex();
    record.time = static_cast<int64_t>(std::time(nullptr));
    record.blobs = {written->manifest_digest, written->config_digest};
    if (llvm::Error err = schedule::WriteRoot(*store, record)) {
      Error(llvm::toString(std::move(err)));
      return kExitProgramError;
    }
    int code = then(BuiltImage{*store, output->image, *written, runner, *node, options,
                               labels.empty() ? "" : labels[n]});
    if (code != kExitOk) return code;
  }
  return kExitOk;
}

}  // namespace

int BuildTarget(const BuildFlags& flags, const std::function<int(const BuiltImage&)>& then) {
  int code = kExitOk;
  {
    CancelOnSignal cancel_on_signal;
    code = BuildTargetUncancelled(flags, then);
  }
  ExitIfCancelled();
  return code;
}

}  // namespace strata::cli
