// The typed node constructors of ops.h. Empty and default options are left out of the
// params so that a new option added later does not change the keys of existing nodes.
#include "compiler/graph/ops.h"

namespace strata::graph {
namespace {

using Json = nlohmann::json;

Json StringList(const std::vector<std::string>& items) {
  Json list = Json::array();
  list.get_ref<Json::array_t&>().reserve(items.size());
  for (const std::string& item : items) list.push_back(item);
  return list;
}

// A node's params, moved in: a braced list is copied element by element, so each of its json
// strings was allocated twice (the config nodes alone were a sixth of the evaluation's pages).
template <typename... Params>
std::vector<Param> ParamsOf(Params&&... params) {
  std::vector<Param> out;
  out.reserve(sizeof...(Params));
  (out.push_back(std::forward<Params>(params)), ...);
  return out;
}

void AddIfNonEmpty(std::vector<Param>& params, const char* name, const std::string& value) {
  if (!value.empty()) params.push_back({name, value});
}

void AddIfNonEmpty(std::vector<Param>& params, const char* name,
                   const std::vector<std::string>& values) {
  if (!values.empty()) params.push_back({name, StringList(values)});
}

void AddIfTrue(std::vector<Param>& params, const char* name, bool value) {
  if (value) params.push_back({name, true});
}

const Node* MakeExec(Graph& graph, const Node* stage, Param command, const ExecOptions& options,
                     diag::SourceRange origin) {
  std::vector<Param> params;
  params.push_back(std::move(command));
  // A cache whose options are all defaults is a plain `cache` entry: one cache, one spelling
  // (and the keys made before `caches` existed).
  std::vector<std::string> plain = options.cache;
  Json caches = Json::array();
  for (const CacheMount& cache : options.caches) {
    bool named = !cache.id.empty() && cache.id != cache.target;
    if (!named && cache.uid == 0 && cache.gid == 0 && cache.mode == 0755) {
      plain.push_back(cache.target);
      continue;
    }
    Json entry = {{"target", cache.target}};
    if (named) entry["id"] = cache.id;
    if (cache.uid != 0) entry["uid"] = cache.uid;
    if (cache.gid != 0) entry["gid"] = cache.gid;
    if (cache.mode != 0755) entry["mode"] = cache.mode;
    caches.push_back(std::move(entry));
  }
  AddIfNonEmpty(params, "cache", plain);
  if (!caches.empty()) params.push_back({"caches", std::move(caches)});
  if (!options.secrets.empty()) {
    Json secrets = Json::array();
    for (const SecretMount& secret : options.secrets) {
      // The default target is written out, so `{id="x";}` and the explicit default agree.
      Json entry = {
          {"id", secret.id},
          {"target", secret.target.empty() ? "/run/secrets/" + secret.id : secret.target}};
      if (!secret.required) entry["required"] = false;
      // Owner and mode only when given (a key without them is unchanged).
      if (secret.uid) entry["uid"] = *secret.uid;
      if (secret.gid) entry["gid"] = *secret.gid;
      if (secret.mode != 0400) entry["mode"] = secret.mode;
      secrets.push_back(std::move(entry));
    }
    params.push_back({"secrets", std::move(secrets)});
  }
  std::vector<const Node*> inputs{stage};
  if (!options.mounts.empty()) {
    // mounts[i] is the artifact inputs[i + 1].
    Json mounts = Json::array();
    for (const ArtifactMount& mount : options.mounts) {
      Json entry{{"target", mount.target}};
      if (mount.writable) entry["rw"] = true;
      mounts.push_back(std::move(entry));
      inputs.push_back(mount.artifact);
    }
    params.push_back({"mounts", std::move(mounts)});
  }
  AddIfNonEmpty(params, "tmpfs", options.tmpfs);
  AddIfTrue(params, "network", options.network);
  AddIfNonEmpty(params, "output_sha256", options.output_sha256);
  AddIfTrue(params, "output_sha256_locked", options.output_sha256_locked);
  AddIfNonEmpty(params, "step_env", options.env);
  return graph.Get(Op::kExec, std::move(params), std::move(inputs), origin);
}

}  // namespace

const Node* MakeScratch(Graph& graph) { return graph.Get(Op::kScratch, {}, {}); }

const Node* MakePull(Graph& graph, const std::string& ref, const std::string& digest,
                     diag::SourceRange origin) {
  std::vector<Param> params = ParamsOf(Param{"ref", ref});
  AddIfNonEmpty(params, "digest", digest);
  return graph.Get(Op::kPull, std::move(params), {}, origin);
}

const Node* MakeLoad(Graph& graph, const Node* artifact, diag::SourceRange origin) {
  return graph.Get(Op::kLoad, {}, {artifact}, origin);
}

const Node* MakeLoad(Graph& graph, const Node* artifact, const std::string& tag,
                     diag::SourceRange origin) {
  if (tag.empty()) return MakeLoad(graph, artifact, origin);
  return graph.Get(Op::kLoad, ParamsOf(Param{"tag", tag}), {artifact}, origin);
}

const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, diag::SourceRange origin) {
  std::vector<Param> params = ParamsOf(Param{"name", name}, Param{"digest", content_digest});
  params.push_back(Param{"path", host_path, /*keyed=*/false});
  return graph.Get(Op::kLocal, std::move(params), {}, origin);
}

const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, const std::vector<std::string>& exclude,
                      diag::SourceRange origin) {
  return MakeLocal(graph, host_path, name, content_digest, exclude, "", origin);
}

const Node* MakeLocal(Graph& graph, const std::string& host_path, const std::string& name,
                      const std::string& content_digest, const std::vector<std::string>& exclude,
                      const std::string& exclude_base, diag::SourceRange origin, bool keep_modes) {
  std::vector<Param> params = ParamsOf(Param{"name", name}, Param{"digest", content_digest});
  AddIfNonEmpty(params, "exclude", exclude);
  if (!exclude.empty() && !exclude_base.empty()) params.push_back({"exclude_base", exclude_base});
  if (keep_modes) params.push_back({"modes", "keep"});
  params.push_back(Param{"path", host_path, /*keyed=*/false});
  return graph.Get(Op::kLocal, std::move(params), {}, origin);
}

const Node* MakeFetch(Graph& graph, const std::string& url, const std::string& sha256,
                      diag::SourceRange origin) {
  return graph.Get(Op::kFetch, ParamsOf(Param{"url", url}, Param{"sha256", sha256}), {}, origin);
}

const Node* MakeExecShell(Graph& graph, const Node* stage, const std::string& command,
                          const ExecOptions& options, diag::SourceRange origin) {
  return MakeExec(graph, stage, Param{"shell", command}, options, origin);
}

const Node* MakeExecArgv(Graph& graph, const Node* stage, const std::vector<std::string>& argv,
                         const ExecOptions& options, diag::SourceRange origin) {
  return MakeExec(graph, stage, Param{"argv", StringList(argv)}, options, origin);
}

const Node* MakeCopy(Graph& graph, const Node* stage, const Node* artifact, const std::string& dest,
                     const CopyOptions& options, diag::SourceRange origin) {
  std::vector<Param> params = ParamsOf(Param{"dest", dest});
  AddIfNonEmpty(params, "chown", options.chown);
  AddIfNonEmpty(params, "chmod", options.chmod);
  AddIfTrue(params, "link", options.link);
  AddIfNonEmpty(params, "exclude", options.exclude);
  AddIfTrue(params, "extract", options.extract);
  return graph.Get(Op::kCopy, std::move(params), {stage, artifact}, origin);
}

const Node* MakeConfig(Graph& graph, const Node* stage, const std::string& field,
                       nlohmann::json value, diag::SourceRange origin) {
  return graph.Get(Op::kConfig, ParamsOf(Param{"field", field}, Param{"value", std::move(value)}),
                   {stage}, origin);
}

const Node* MakeSelect(Graph& graph, const Node* from, const std::string& path,
                       diag::SourceRange origin) {
  // How the runtime copies the path out (hard links inside it kept, as BuildKit's COPY --from
  // keeps them) is versioned in the record keys (oci::LayerEntriesKeyLine), not here.
  return graph.Get(Op::kSelect, ParamsOf(Param{"path", path}), {from}, origin);
}

const Node* MakeMinimal(Graph& graph, const Node* stage,
                        const std::vector<std::string>& executables, diag::SourceRange origin) {
  return graph.Get(Op::kMinimal, ParamsOf(Param{"executables", StringList(executables)}), {stage},
                   origin);
}

const Node* MakeText(Graph& graph, const std::string& name, const std::string& content,
                     diag::SourceRange origin) {
  return graph.Get(Op::kText, ParamsOf(Param{"name", name}, Param{"content", content}), {}, origin);
}

const Node* MakeDebian(Graph& graph, const DebianRequest& request, diag::SourceRange origin) {
  // "rootfs" names what the runtime makes of the packages (merged /usr, alternatives, loader
  // cache): a change to it must change the keys, so that no store serves an older tree.
  std::vector<Param> params{{"suite", request.suite},
                            {"packages", StringList(request.packages)},
                            {"arch", request.arch},
                            {"rootfs", "merged-usr-4"}};
  AddIfNonEmpty(params, "mirror", request.mirror);
  AddIfNonEmpty(params, "exclude", request.exclude);
  AddIfNonEmpty(params, "path_exclude", request.path_exclude);
  if (!request.lock.is_null()) params.push_back({"lock", request.lock});
  return graph.Get(Op::kDebian, std::move(params), {}, origin);
}

bool IsStage(const Node* node) {
  switch (node->op()) {
    case Op::kText:
    case Op::kLocal:
    case Op::kFetch:
    case Op::kSelect:
      return false;
    case Op::kScratch:
    case Op::kPull:
    case Op::kLoad:
    case Op::kExec:
    case Op::kCopy:
    case Op::kConfig:
    case Op::kMinimal:
    case Op::kDebian:
      return true;
  }
  return false;
}

}  // namespace strata::graph
