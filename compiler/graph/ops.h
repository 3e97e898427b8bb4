// Typed constructors for each op: the contract between the evaluator (which makes nodes)
// and the runtime (which executes them). Each function documents the node's inputs and
// parameters; docs/graph.md repeats them for users.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/graph/node.h"

namespace strata::graph {

// scratch: no inputs, no params.
const Node* MakeScratch(Graph& graph);

// pull: params {ref: "golang:1.22-alpine", digest: "sha256:..." or ""}.
const Node* MakePull(Graph& graph, const std::string& ref, const std::string& digest,
                     diag::SourceRange origin = {});

// load: inputs [artifact]; the artifact is an OCI layout directory or a docker-archive tar.
const Node* MakeLoad(Graph& graph, const Node* artifact, diag::SourceRange origin = {});
// load of one tagged image: params {tag} (an OCI layout's ref name, a docker-archive's REF).
const Node* MakeLoad(Graph& graph, const Node* artifact, const std::string& tag,
                     diag::SourceRange origin = {});

// local: params {name: base name of the path, digest: content hash (32 hex),
// path: absolute host path (unkeyed)}. The digest comes from LocalSourceHasher.
const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, diag::SourceRange origin = {});
// local with .dockerignore patterns: params as above plus {exclude: [patterns]} (omitted when
// empty). The digest covers only the included entries (LocalSourceHasher::Hash(path,
// exclude)); the runtime copies only them (IgnoreMatcher in ignore_patterns.h).
const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, const std::vector<std::string>& exclude,
                      diag::SourceRange origin = {});
// local for a path inside a filtered source (select.h narrows `src / "web"` to one): plus
// {exclude_base: the path relative to the patterns' root} (omitted when empty). `keep_modes`
// adds {modes: "keep"}: the digest (LocalSourceHasher::Hash with keep_modes) and the runtime's
// copy take modes as they are on disk (a Dockerfile's context) instead of normalising them.
const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, const std::vector<std::string>& exclude,
                      const std::string& exclude_base, diag::SourceRange origin = {},
                      bool keep_modes = false);

// fetch: params {url, sha256}.
const Node* MakeFetch(Graph& graph, const std::string& url, const std::string& sha256,
                      diag::SourceRange origin = {});

// A secret file at `target`, owned by uid:gid (default: the step's user; a Dockerfile's
// secret is always given BuildKit's default 0:0) with `mode`.
struct SecretMount {
  std::string id;
  std::string target;  // default /run/secrets/<id>
  bool required = true;
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
  uint32_t mode = 0400;
};

// A cache mount with BuildKit's options: the cache is named by `id` (the target when empty,
// so a plain `cache` entry is the same cache) and, when it does not exist yet, made owned by
// uid:gid with `mode`.
struct CacheMount {
  std::string target;
  std::string id;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t mode = 0755;
};

struct ArtifactMount {
  const Node* artifact;
  std::string target;
  // Writable, as BuildKit's `--mount=type=bind,rw`: the step writes to a copy made for it,
  // and what it writes there is thrown away (never in the layer).
  bool writable = false;
};

struct ExecOptions {
  std::vector<std::string> cache;     // persistent cache directories
  std::vector<CacheMount> caches;     // the same, with an id, owner or mode
  std::vector<SecretMount> secrets;   // never their contents: only ids and targets
  std::vector<ArtifactMount> mounts;  // read-only bind mounts of artifacts
  std::vector<std::string> tmpfs;
  bool network = false;               // only with output_sha256
  std::string output_sha256;          // declared checksum of the step's output
  bool output_sha256_locked = false;  // output_sha256 came from strata.lock (for messages)
  // "NAME=value" variables for this step only (a Dockerfile's ARGs), not the image config;
  // one of these wins over the image config's env for the same name. Encoded as `step_env`:
  // under the name `env` the image's value won, and those keys must not be served for these.
  std::vector<std::string> env;
};

// exec: inputs [stage, mounted artifacts...]; params {shell: "cmd" (run through the stage's
// SHELL) or argv: [...] (exactly one of them), cache, caches: [{target, id?, uid?, gid?,
// mode?}] (defaults left out), secrets, mounts: [{target}], tmpfs,
// network, output_sha256, step_env: ["NAME=value"]} (empty options are omitted; a mount's `rw` only
// when true).
const Node* MakeExecShell(Graph& graph, const Node* stage, const std::string& command,
                          const ExecOptions& options, diag::SourceRange origin = {});
const Node* MakeExecArgv(Graph& graph, const Node* stage, const std::vector<std::string>& argv,
                         const ExecOptions& options, diag::SourceRange origin = {});

struct CopyOptions {
  std::string chown;  // "user[:group]", "" to keep
  std::string chmod;  // octal, "" to keep
  bool link = false;
  std::vector<std::string> exclude;
  bool extract = false;  // the artifact is a tar archive (maybe compressed): unpack it at dest
};

// copy: inputs [stage, artifact]; params {dest, chown, chmod, link, exclude, extract} (defaults
// omitted).
const Node* MakeCopy(Graph& graph, const Node* stage, const Node* artifact, const std::string& dest,
                     const CopyOptions& options, diag::SourceRange origin = {});

// config: inputs [stage]; params {field, value}. Fields and values:
//   workdir "/src" · env ["NAME", "value"] · user "65532" · entrypoint [argv] · cmd [argv] ·
//   expose "8080/tcp" · label ["key", "value"] · volume "/data" · healthcheck {test, interval,
//   timeout, start_period, retries} · stopsignal "SIGTERM" · shell [argv]
const Node* MakeConfig(Graph& graph, const Node* stage, const std::string& field,
                       nlohmann::json value, diag::SourceRange origin = {});

// select: inputs [stage or artifact]; params {path}. `stage / "/out/server"`.
const Node* MakeSelect(Graph& graph, const Node* from, const std::string& path,
                       diag::SourceRange origin = {});

// minimal: inputs [stage]; params {executables: [...]}.
const Node* MakeMinimal(Graph& graph, const Node* stage,
                        const std::vector<std::string>& executables, diag::SourceRange origin = {});

// text: no inputs; params {name, content}. An artifact: one file `name` (mode 0644) holding
// `content`, as a Dockerfile heredoc COPY source or `text "config.txt" "hello\n"`.
const Node* MakeText(Graph& graph, const std::string& name, const std::string& content,
                     diag::SourceRange origin = {});

struct DebianRequest {
  std::string suite = "bookworm";
  std::vector<std::string> packages;  // "name" or "name=version", as written
  std::string arch = "amd64";
  std::string mirror;                // "" for the runtime's default mirror (not keyed then)
  std::vector<std::string> exclude;  // package names left out of the closure (not keyed when empty)
  // Path patterns (fnmatch, as dpkg's --path-exclude) whose files are not unpacked; not part
  // of the resolution, so not of the lock key (not keyed when empty).
  std::vector<std::string> path_exclude;
  // The locked resolution ({release: {date, sha256}, packages: [{name, version, arch,
  // filename, size, sha256}]}), or null when unlocked.
  nlohmann::json lock;
};

// debian: no inputs; params {suite, packages, arch, mirror (opt), exclude (opt), path_exclude
// (opt), lock (opt)}. A base made from Debian packages: the runtime resolves the closure (or takes
// the locked one), fetches and verifies the .debs and unpacks them without maintainer scripts.
const Node* MakeDebian(Graph& graph, const DebianRequest& request, diag::SourceRange origin = {});

// True for ops whose value is a Stage (an image); false for artifacts (local, fetch, select, text).
bool IsStage(const Node* node);

}  // namespace strata::graph
