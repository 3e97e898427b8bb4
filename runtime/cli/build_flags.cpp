// The command-line flags of build, run, graph and check (BuildFlags) and the secret files they
// name: what build_target.cpp builds with.
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <iostream>

#include "compiler/driver/workspace.h"
#include "runtime/cli/build_target.h"

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

driver::FrontendOptions BuildFrontendOptions(const BuildFlags& flags,
                                             driver::BaseImageSource& base_images) {
  driver::FrontendOptions options = FrontendOptionsFor(flags.store_dir, /*writes=*/true);
  options.lock_policy = flags.locked ? graph::LockPolicy::kLocked : graph::LockPolicy::kUse;
  options.base_images = &base_images;
  return options;
}

schedule::ExecutorOptions ExecutorOptionsFor(const BuildFlags& flags) {
  schedule::ExecutorOptions options;
  options.jobs = flags.jobs;
  options.no_cache = flags.no_cache;
  options.secrets = flags.secrets;
  options.layer.compression = flags.compression;
  options.layer.source_date_epoch = flags.source_date_epoch;
  options.compress_target_layers = flags.image_leaves_store;
  options.debian_mirror = flags.debian_mirror;
  return options;
}

exec::RuncOptions SandboxOptionsIn(const std::string& sandbox_dir) {
  exec::RuncOptions options;
  options.state_root = sandbox_dir + "/runc";
  options.bundle_parent = sandbox_dir;
  return options;
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
}  // namespace strata::cli
