// What `strata build` and `strata run` share: their options, and evaluating the program,
// building the target stage with the executor and writing its image into the store.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>

#include "runtime/cli/options.h"
#include "runtime/exec/runc_runner.h"
#include "runtime/oci/image_writer.h"
#include "runtime/oci/registry_reference.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/node_output.h"
#include "runtime/schedule/progress.h"
#include "runtime/store/store.h"

namespace strata::cli {

struct BuildFlags {
  ProgramInput input;
  std::string target = "default";  // for a Dockerfile: a stage name or index, "" for the last
  // Workspace labels and patterns (`//dir:target`, `//dir/...`) given instead of TARGET.
  std::vector<std::string> labels;
  // `-f FILE` that is no Strata program (IsStrataProgramPath), `-f -` (stdin), or
  // `--frontend dockerfile`: the file is a Dockerfile.
  bool dockerfile = false;
  std::string context_dir;  // --context; "" for the file's dir (the current dir for stdin)
  std::map<std::string, std::string> build_args;      // --build-arg K=V
  std::map<std::string, std::string> build_contexts;  // --build-context NAME=SPEC
  std::string store_dir;                              // --store, else store::Store::DefaultRoot()
  int jobs = 0;
  bool no_cache = false;
  schedule::ProgressMode progress = schedule::ProgressMode::kAuto;
  std::map<std::string, std::string> secrets;  // id → file
  int64_t source_date_epoch = 0;
  oci::Compression compression = oci::Compression::kGzip;
  std::string debian_mirror;  // --debian-mirror; "" for the default
  // --locked: every input must be pinned (image tags and debian bases by strata.lock, network
  // steps by a sha256 or a lock entry); each one that is not is an error at its call.
  bool locked = false;
  // Hash the image's layer blobs before `then` (they are about to leave the store); a corrupt
  // one is removed and the build runs again. `strata build` without -o skips it (nothing
  // leaves; extraction checks what it reads anyway).
  bool check_blobs = true;
  // --cache-from (in order): registries asked for a node's output before it is built
  // (schedule/registry_cache.h). `strata build` only.
  std::vector<oci::ImageReference> cache_from;
  // Labels must match exactly one target (`strata run`, and build with -o or --sbom).
  bool one_target = true;
  // The target's image leaves the store (`strata build` with -o, --cache-to or --sbom; `strata
  // sbom`, whose document names the manifest): its layers get the build's compression. When
  // not (`strata build` alone, `strata run`), they stay plain tar in the store, as BuildKit's
  // image store keeps them, and a later build that exports the image compresses them then
  // (schedule/deferred_layers.h); the printed image ID (the config digest) is the same.
  bool image_leaves_store = true;
  // Only the digests are asked for (`strata build` without -o, --sbom or --cache-to): a label
  // build with nothing to do may answer from the built-image index (label_noop.h).
  bool digests_only = false;
};

// Adds the frontend's flags: --frontend, --context, --build-arg, --build-context, --target
// (what build, run, graph and check take).
void AddFrontendOptions(po::options_description& options);
// Reads them back with -f, --arg and TARGET into `flags`; Dockerfile flags on a Strata program
// are usage errors. Throws UsageError.
void GetFrontendFlags(const ParsedCommand& parsed, BuildFlags& flags);

// `--secret id=ID,src=FILE` (also `source=`; `type=file` accepted) as {id, file}. Throws
// UsageError.
std::pair<std::string, std::string> ParseSecret(const std::string& text);
// Whether every secret's file is a readable regular file; prints an error for the first that is
// not.
bool SecretFilesReadable(const std::map<std::string, std::string>& secrets);

// Adds -j, --store, --progress, --secret, --no-cache, --source-date-epoch, --compression,
// --debian-mirror and
// the Dockerfile frontend's --frontend, --context, --build-arg, --build-context, --target.
void AddBuildOptions(po::options_description& options);
// Reads them back (and -f, --arg, TARGET); Dockerfile flags on a Strata program are usage
// errors. Throws UsageError.
BuildFlags GetBuildFlags(const ParsedCommand& parsed);

// The front end's options for a build of `flags`: the store, the lock policy (--locked) and
// `base_images` (which must outlive the front end).
driver::FrontendOptions BuildFrontendOptions(const BuildFlags& flags,
                                             driver::BaseImageSource& base_images);
// The executor settings the flags choose (jobs, cache, secrets, layer format, mirror); the
// remote cache and progress are the caller's.
schedule::ExecutorOptions ExecutorOptionsFor(const BuildFlags& flags);
// The runc sandbox of one build: its state and bundles under `sandbox_dir` (a work dir).
exec::RuncOptions SandboxOptionsIn(const std::string& sandbox_dir);

struct BuiltImage {
  const store::Store& store;
  oci::Image image;
  oci::WrittenImage written;
  exec::RuncRunner& runner;  // the build's sandbox (its own runc state root and bundles)
  const graph::Node& node;   // the target's node, and the options it was built with (the SBOM
  const schedule::ExecutorOptions& options;  // reads the build's node records with them)
  std::string label;  // a workspace target's label; "" for a program's or Dockerfile's target
};

// Evaluates the program, checks that the target is a Stage, builds it under a shared store
// lease, writes its config and manifest blobs and a root record for gc, then calls `then`
// (still under the lease). With labels (flags.labels), every matching target of the workspace
// in label order, calling `then` after each; the first failure ends the build. Returns the exit
// code: 1 for program and build errors (printed). SIGINT or SIGTERM cancels the build
// (CancelOnSignal): containers are killed, mounts undone, and the process dies of the signal.
int BuildTarget(const BuildFlags& flags, const std::function<int(const BuiltImage&)>& then);

}  // namespace strata::cli
