// Decode* of op_params.h: each reads exactly the params its Make* in ops.cpp writes, with the
// same defaults for the ones Make* leaves out, and fails (naming the node) on anything else.
#include "compiler/graph/op_params.h"

#include <string_view>

namespace strata::graph {
namespace {

using Json = nlohmann::json;

// Reads one node's params and remembers the first problem, so that a Decode* reads as a list
// of fields and reports once.
class Reader {
 public:
  Reader(const Node& node, Op op) : node_(node) {
    if (node.op() != op) Fail("", "is not a " + std::string(OpName(op)) + " node");
  }

  std::string String(const char* name, bool required = false) {
    const Json* value = Get(name, required);
    if (!value) return "";
    if (!value->is_string()) return Fail(name, "must be a string, not " + Kind(*value)), "";
    return value->get<std::string>();
  }

  bool Bool(const char* name) {
    const Json* value = Get(name, false);
    if (!value) return false;
    if (!value->is_boolean()) return Fail(name, "must be a boolean, not " + Kind(*value)), false;
    return value->get<bool>();
  }

  std::vector<std::string> Strings(const char* name, bool required = false) {
    std::vector<std::string> list;
    const Json* value = Get(name, required);
    if (!value) return list;
    if (!value->is_array())
      return Fail(name, "must be a list of strings, not " + Kind(*value)), list;
    for (const Json& item : *value) {
      if (!item.is_string())
        return Fail(name, "must be a list of strings, not hold " + Kind(item)), list;
      list.push_back(item.get<std::string>());
    }
    return list;
  }

  // A list of objects; an error (and no entries) when it is something else.
  std::vector<const Json*> Objects(const char* name) {
    std::vector<const Json*> list;
    const Json* value = Get(name, false);
    if (!value) return list;
    if (!value->is_array())
      return Fail(name, "must be a list of objects, not " + Kind(*value)), list;
    for (const Json& item : *value) {
      if (!item.is_object())
        return Fail(name, "must be a list of objects, not hold " + Kind(item)), list;
      list.push_back(&item);
    }
    return list;
  }

  const Json* Any(const char* name, bool required) { return Get(name, required); }

  bool Has(const char* name) const { return node_.Find(name) != nullptr; }

  void Fail(const std::string& name, const std::string& problem) {
    if (!error_.empty()) return;
    error_ = std::string(OpName(node_.op())) + " node " + node_.key().Hex();
    error_ += name.empty() ? " " + problem : ": param '" + name + "' " + problem;
  }

  template <typename T>
  llvm::Expected<T> Finish(T value) {
    if (!error_.empty())
      return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                     "malformed graph: " + error_);
    return value;
  }

 private:
  const Json* Get(const char* name, bool required) {
    const Json* value = node_.Find(name);
    if (!value && required) Fail(name, "is missing");
    return value;
  }

  static std::string Kind(const Json& value) { return value.type_name(); }

  const Node& node_;
  std::string error_;
};

}  // namespace

std::string ExecParams::CommandText() const {
  return shell ? *shell : Json(argv).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string SecretMountProblem(const SecretMount& secret) {
  if (secret.id.empty()) return "a secret needs a non-empty id";
  // --secret id=ID,src=FILE could not name an id holding ',' or '='.
  if (secret.id.find_first_of(",=") != std::string::npos)
    return "a secret id cannot hold ',' or '=', not '" + secret.id + "'";
  if (!secret.target.empty() && secret.target[0] != '/')
    return "secret '" + secret.id + "': its target must be an absolute path, not '" +
           secret.target + "'";
  return "";
}

llvm::Expected<ScratchParams> DecodeScratch(const Node& node) {
  Reader reader(node, Op::kScratch);
  return reader.Finish(ScratchParams{});
}

llvm::Expected<PullParams> DecodePull(const Node& node) {
  Reader reader(node, Op::kPull);
  return reader.Finish(
      PullParams{reader.String("ref", /*required=*/true), reader.String("digest")});
}

llvm::Expected<LoadParams> DecodeLoad(const Node& node) {
  Reader reader(node, Op::kLoad);
  return reader.Finish(LoadParams{reader.String("tag")});
}

llvm::Expected<LocalParams> DecodeLocal(const Node& node) {
  Reader reader(node, Op::kLocal);
  LocalParams params;
  params.name = reader.String("name", true);
  params.digest = reader.String("digest", true);
  params.path = reader.String("path", true);
  params.exclude = reader.Strings("exclude");
  params.exclude_base = reader.String("exclude_base");
  std::string modes = reader.String("modes");
  if (!modes.empty() && modes != "keep")
    reader.Fail("modes", "must be \"keep\", not '" + modes + "'");
  params.keep_modes = modes == "keep";
  return reader.Finish(std::move(params));
}

llvm::Expected<FetchParams> DecodeFetch(const Node& node) {
  Reader reader(node, Op::kFetch);
  // (A braced list is evaluated left to right: the first problem is reported first.)
  return reader.Finish(FetchParams{reader.String("url", true), reader.String("sha256", true)});
}

namespace {

// The uid, gid (32-bit) and mode (07777 at most) a cache or secret entry of `list` holds:
// set(name, number) for each one present, a failure for one that is not a number in range.
template <typename Set>
void ReadOwnerAndMode(Reader& reader, const Json& entry, const char* list, Set set) {
  for (auto [name, limit] :
       {std::pair{"uid", 0xffffffffu}, std::pair{"gid", 0xffffffffu}, std::pair{"mode", 07777u}}) {
    if (!entry.contains(name)) continue;
    const Json& value = entry[name];
    if (!value.is_number_unsigned() || value.get<uint64_t>() > limit)
      reader.Fail(list, std::string("has an entry whose ") + name + " is not a number in range");
    else
      set(name, value.get<uint32_t>());
  }
}

}  // namespace

llvm::Expected<ExecParams> DecodeExec(const Node& node) {
  Reader reader(node, Op::kExec);
  ExecParams params;
  if (reader.Has("shell") == reader.Has("argv"))
    reader.Fail("", "needs exactly one of the params 'shell' and 'argv'");
  if (reader.Has("shell")) params.shell = reader.String("shell");
  params.argv = reader.Strings("argv");
  if (reader.Has("argv") && params.argv.empty()) reader.Fail("argv", "is empty");
  params.cache = reader.Strings("cache");
  for (const Json* entry : reader.Objects("caches")) {
    CacheMount cache;
    const Json target = entry->value("target", Json());
    const Json id = entry->value("id", Json(""));
    if (!target.is_string() || target.get<std::string>().empty() || !id.is_string()) {
      reader.Fail("caches", "has an entry without a string target and id");
      continue;
    }
    cache.target = target.get<std::string>();
    cache.id = id.get<std::string>().empty() ? cache.target : id.get<std::string>();
    ReadOwnerAndMode(reader, *entry, "caches", [&](std::string_view name, uint32_t number) {
      (name == "uid" ? cache.uid : name == "gid" ? cache.gid : cache.mode) = number;
    });
    params.caches.push_back(std::move(cache));
  }
  for (const Json* entry : reader.Objects("secrets")) {
    SecretMount secret;
    secret.id = entry->contains("id") && (*entry)["id"].is_string()
                    ? (*entry)["id"].get<std::string>()
                    : "";
    const Json target = entry->value("target", Json());
    secret.target = target.is_string() ? target.get<std::string>() : "";
    const Json required = entry->value("required", Json(true));
    secret.required = !required.is_boolean() || required.get<bool>();
    if (!target.is_string())
      reader.Fail("secrets", "has an entry without a string target");
    else if (!required.is_boolean())
      reader.Fail("secrets", "has an entry whose required is not a boolean");
    else if (std::string problem = SecretMountProblem(secret); !problem.empty())
      reader.Fail("secrets", problem);
    ReadOwnerAndMode(reader, *entry, "secrets", [&](std::string_view name, uint32_t number) {
      if (name == "mode")
        secret.mode = number;
      else
        (name == "uid" ? secret.uid : secret.gid) = number;
    });
    params.secrets.push_back(std::move(secret));
  }
  for (const Json* entry : reader.Objects("mounts")) {
    const Json target = entry->value("target", Json());
    const Json rw = entry->value("rw", Json(false));
    if (!target.is_string()) reader.Fail("mounts", "has an entry without a string target");
    if (!rw.is_boolean()) reader.Fail("mounts", "has an entry whose rw is not a boolean");
    params.mount_targets.push_back(target.is_string() ? target.get<std::string>() : "");
    params.mount_writable.push_back(rw.is_boolean() && rw.get<bool>());
  }
  if (params.mount_targets.size() + 1 != node.inputs().size())
    reader.Fail("mounts",
                "does not match the node's " + std::to_string(node.inputs().size()) + " inputs");
  params.tmpfs = reader.Strings("tmpfs");
  params.network = reader.Bool("network");
  params.output_sha256 = reader.String("output_sha256");
  params.output_sha256_locked = reader.Bool("output_sha256_locked");
  params.env = reader.Strings("step_env");
  return reader.Finish(std::move(params));
}

llvm::Expected<CopyParams> DecodeCopy(const Node& node) {
  Reader reader(node, Op::kCopy);
  CopyParams params;
  params.dest = reader.String("dest", true);
  params.options.chown = reader.String("chown");
  params.options.chmod = reader.String("chmod");
  params.options.link = reader.Bool("link");
  params.options.exclude = reader.Strings("exclude");
  params.options.extract = reader.Bool("extract");
  return reader.Finish(std::move(params));
}

llvm::Expected<ConfigParams> DecodeConfig(const Node& node) {
  Reader reader(node, Op::kConfig);
  ConfigParams params;
  params.field = reader.String("field", true);
  if (const Json* value = reader.Any("value", true)) params.value = *value;
  return reader.Finish(std::move(params));
}

llvm::Expected<SelectParams> DecodeSelect(const Node& node) {
  Reader reader(node, Op::kSelect);
  return reader.Finish(SelectParams{reader.String("path", true)});
}

llvm::Expected<MinimalParams> DecodeMinimal(const Node& node) {
  Reader reader(node, Op::kMinimal);
  return reader.Finish(MinimalParams{reader.Strings("executables", true)});
}

llvm::Expected<TextParams> DecodeText(const Node& node) {
  Reader reader(node, Op::kText);
  return reader.Finish(TextParams{reader.String("name", true), reader.String("content", true)});
}

llvm::Expected<DebianParams> DecodeDebian(const Node& node) {
  Reader reader(node, Op::kDebian);
  DebianParams params;
  params.request.suite = reader.String("suite", true);
  params.request.packages = reader.Strings("packages", true);
  params.request.arch = reader.String("arch", true);
  params.request.mirror = reader.String("mirror");
  params.request.exclude = reader.Strings("exclude");
  params.request.path_exclude = reader.Strings("path_exclude");
  if (const Json* lock = reader.Any("lock", false)) {
    if (!lock->is_object())
      reader.Fail("lock", "must be an object, not " + std::string(lock->type_name()));
    else
      params.request.lock = *lock;
  }
  params.rootfs = reader.String("rootfs", true);
  return reader.Finish(std::move(params));
}

const Node* PinNetworkOutput(Graph& graph, const Node* step, const std::string& sha256) {
  std::vector<Param> params;
  for (const Param& param : step->params())
    if (param.name != "output_sha256" && param.name != "output_sha256_locked")
      params.push_back(param);
  params.push_back({"output_sha256", sha256});
  params.push_back({"output_sha256_locked", true});
  return graph.Get(step->op(), std::move(params), step->inputs().vec(), step->origin());
}

}  // namespace strata::graph
