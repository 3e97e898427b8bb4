// Builtins that make derivation-graph nodes: base images, RUN, COPY, fetch, image config.
#include <initializer_list>

#include "compiler/eval/machine.h"
#include "compiler/graph/image_config_fold.h"
#include "compiler/graph/op_params.h"
#include "compiler/graph/ops.h"
#include "compiler/graph/stop_signal.h"

namespace strata::eval {

// builtins_dockerfile.cpp: `ignore` (a local source filtered by .dockerignore patterns) and
// `dockerfile` (a Dockerfile lowered to stages).
Value Ignore(Machine& m, Thunk* const* a, diag::SourceRange call);
Value KeepModes(Machine& m, Thunk* const* a, diag::SourceRange call);
Value DockerfileBuiltin(Machine& m, Thunk* const* a, diag::SourceRange call);

namespace {

using diag::SourceRange;

const graph::Node* ForceStage(Machine& m, Thunk* t, SourceRange call, std::string_view what) {
  const graph::Node* node = m.ForceNode(t, call, what);
  if (!graph::IsStage(node))
    m.Fail(call,
           "internal type error: " + std::string(what) + " should be a Stage, found an Artifact");
  return node;
}

// Reads an options record, rejecting names the builtin does not know.
class Options {
 public:
  Options(Machine& m, Thunk* t, SourceRange call, std::string_view builtin,
          std::initializer_list<std::string_view> known)
      : m_(m), call_(call) {
    fields_ = m.ForceRecord(t, call, "the options of " + std::string(builtin));
    for (const RecordField& f : fields_) {
      bool ok = false;
      for (std::string_view k : known) ok |= f.name.str() == k;
      if (!ok) {
        std::string list;
        for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
        m.Fail(call, "unknown option '" + std::string(f.name.str()) + "' of " +
                         std::string(builtin) + "; known options: " + list);
      }
    }
  }
  Thunk* Get(std::string_view name) const {
    const RecordField* f = FindField(fields_, Symbol::Intern(name));
    return f ? f->value : nullptr;
  }
  std::string String(std::string_view name, std::string fallback = {}) const {
    Thunk* t = Get(name);
    return t ? std::string(m_.ForceString(t, call_, "option " + std::string(name))) : fallback;
  }
  int64_t Int(std::string_view name, int64_t fallback) const {
    Thunk* t = Get(name);
    return t ? m_.ForceInt(t, call_, "option " + std::string(name)) : fallback;
  }
  bool Bool(std::string_view name, bool fallback) const {
    Thunk* t = Get(name);
    return t ? m_.ForceBool(t, call_, "option " + std::string(name)) : fallback;
  }
  std::vector<std::string> Strings(std::string_view name) const {
    Thunk* t = Get(name);
    return t ? m_.ForceStringList(t, call_, "option " + std::string(name))
             : std::vector<std::string>{};
  }
  llvm::ArrayRef<Thunk*> List(std::string_view name) const {
    Thunk* t = Get(name);
    return t ? m_.ForceList(t, call_, "option " + std::string(name)) : llvm::ArrayRef<Thunk*>{};
  }

 private:
  Machine& m_;
  SourceRange call_;
  llvm::ArrayRef<RecordField> fields_;
};

Value Scratch(Machine& m, Thunk* const*, SourceRange) {
  return Value::Node(graph::MakeScratch(m.graph()));
}

Value Image(Machine& m, Thunk* const* a, SourceRange call) {
  std::string ref(m.ForceString(a[0], call, "the image reference"));
  if (ref.empty()) m.Fail(call, "image: the reference is empty");
  // A locked digest pins the pull (and so every key above it); unlocked, the build resolves it.
  std::string digest = m.lockfile().Lookup(ref);
  if (digest.empty() && m.lock_policy() == graph::LockPolicy::kLocked &&
      ref.find("@sha256:") == std::string::npos)
    m.Report(call,
             "--locked: image \"" + ref + "\" is not pinned by strata.lock (run `strata lock`)");
  return Value::Node(graph::MakePull(m.graph(), ref, digest, call));
}

Value Load(Machine& m, Thunk* const* a, SourceRange call) {
  return Value::Node(
      graph::MakeLoad(m.graph(), m.ForceNode(a[0], call, "the image archive"), call));
}

Value LoadTag(Machine& m, Thunk* const* a, SourceRange call) {
  std::string tag(m.ForceString(a[0], call, "the image tag"));
  if (tag.empty()) m.Fail(call, "loadTag: the tag is empty (use load for an archive's only image)");
  return Value::Node(
      graph::MakeLoad(m.graph(), m.ForceNode(a[1], call, "the image archive"), tag, call));
}

// A runWith cache's or secret's (`what`) uid or gid option, when given: a 32-bit id.
std::optional<uint32_t> OwnerId(Machine& m, const Options& o, const char* name,
                                const std::string& what, SourceRange call) {
  if (!o.Get(name)) return std::nullopt;
  int64_t id = o.Int(name, 0);
  if (id < 0 || id > 0xffffffffLL)
    m.Fail(call, "runWith: " + what + "'s " + name + " is out of range");
  return static_cast<uint32_t>(id);
}

// Its mode option: one to four octal digits, `fallback` when not given.
uint32_t OctalMode(Machine& m, const Options& o, const std::string& what,
                   const std::string& fallback, SourceRange call) {
  std::string mode = o.String("mode", fallback);
  if (mode.empty() || mode.size() > 4 || mode.find_first_not_of("01234567") != std::string::npos)
    m.Fail(call, "runWith: " + what + "'s mode is octal digits such as \"0" + fallback +
                     "\", not '" + mode + "'");
  return static_cast<uint32_t>(std::stoul(mode, nullptr, 8));
}

graph::ExecOptions ExecOptionsOf(Machine& m, Thunk* t, SourceRange call) {
  Options o(m, t, call, "runWith",
            {"cache", "caches", "secrets", "mounts", "tmpfs", "network", "sha256", "env"});
  graph::ExecOptions options;
  options.cache = o.Strings("cache");
  for (Thunk* c : o.List("caches")) {
    Options cache(m, c, call, "a cache of runWith", {"target", "id", "uid", "gid", "mode"});
    graph::CacheMount mount;
    mount.target = cache.String("target");
    if (mount.target.empty()) m.Fail(call, "runWith: a cache needs a target path");
    mount.id = cache.String("id");
    mount.uid = OwnerId(m, cache, "uid", "a cache", call).value_or(0);
    mount.gid = OwnerId(m, cache, "gid", "a cache", call).value_or(0);
    mount.mode = OctalMode(m, cache, "a cache", "755", call);
    options.caches.push_back(mount);
  }
  for (Thunk* s : o.List("secrets")) {
    Options secret(m, s, call, "a secret of runWith",
                   {"id", "target", "required", "uid", "gid", "mode"});
    graph::SecretMount mount;
    mount.id = secret.String("id");
    mount.target = secret.String("target", "/run/secrets/" + mount.id);
    mount.required = secret.Bool("required", true);
    // Without uid and gid the file is the step user's.
    mount.uid = OwnerId(m, secret, "uid", "a secret", call);
    mount.gid = OwnerId(m, secret, "gid", "a secret", call);
    mount.mode = OctalMode(m, secret, "a secret", "400", call);
    if (std::string problem = graph::SecretMountProblem(mount); !problem.empty())
      m.Fail(call, "runWith: " + problem);
    options.secrets.push_back(mount);
  }
  for (Thunk* s : o.List("mounts")) {
    Options mount(m, s, call, "a mount of runWith", {"artifact", "target", "rw"});
    Thunk* artifact = mount.Get("artifact");
    if (!artifact) m.Fail(call, "runWith: a mount needs an artifact");
    std::string target = mount.String("target");
    if (target.empty()) m.Fail(call, "runWith: a mount needs a target path");
    options.mounts.push_back(
        {m.ForceNode(artifact, call, "a mounted artifact"), target, mount.Bool("rw", false)});
  }
  options.tmpfs = o.Strings("tmpfs");
  options.network = o.Bool("network", false);
  options.output_sha256 = o.String("sha256");
  options.env = o.Strings("env");
  for (const std::string& entry : options.env)
    if (entry.empty() || entry.find('=') == std::string::npos || entry[0] == '=')
      m.Fail(call, "runWith: env entries are \"NAME=value\", not '" + entry + "'");
  return options;
}

// A network step without sha256 takes the output hash strata.lock records under the key of
// its node as made without one (lockfile.h); `strata lock` evaluates it unpinned to compute it.
template <typename MakeNode>
Value NetworkStep(Machine& m, graph::ExecOptions options, SourceRange call, MakeNode make) {
  const graph::Node* node = make(options);
  if (!options.network || !options.output_sha256.empty()) return Value::Node(node);
  std::string key = node->key().Hex();
  m.network_keys().insert(key);
  std::string locked = m.lockfile().LookupNetwork(key);
  if (!locked.empty()) return Value::Node(graph::PinNetworkOutput(m.graph(), node, locked));
  if (m.lock_policy() == graph::LockPolicy::kLocking) return Value::Node(node);
  m.Fail(
      call,
      "runWith: network = true needs the step's output hash: run `strata lock` to record it in "
      "strata.lock (or declare sha256); build steps have no network unless their output is fixed");
}

Value Run(Machine& m, Thunk* const* a, SourceRange call) {
  std::string command(m.ForceString(a[0], call, "the command"));
  const graph::Node* stage = ForceStage(m, a[1], call, "the stage to run on");
  return Value::Node(graph::MakeExecShell(m.graph(), stage, command, {}, call));
}

Value RunWith(Machine& m, Thunk* const* a, SourceRange call) {
  graph::ExecOptions options = ExecOptionsOf(m, a[0], call);
  std::string command(m.ForceString(a[1], call, "the command"));
  const graph::Node* stage = ForceStage(m, a[2], call, "the stage to run on");
  return NetworkStep(m, options, call, [&](const graph::ExecOptions& o) {
    return graph::MakeExecShell(m.graph(), stage, command, o, call);
  });
}

Value Exec(Machine& m, Thunk* const* a, SourceRange call) {
  std::vector<std::string> argv = m.ForceStringList(a[0], call, "the command's argv");
  if (argv.empty()) m.Fail(call, "exec: the argv is empty");
  const graph::Node* stage = ForceStage(m, a[1], call, "the stage to run on");
  return Value::Node(graph::MakeExecArgv(m.graph(), stage, argv, {}, call));
}

Value ExecWith(Machine& m, Thunk* const* a, SourceRange call) {
  graph::ExecOptions options = ExecOptionsOf(m, a[0], call);
  std::vector<std::string> argv = m.ForceStringList(a[1], call, "the command's argv");
  if (argv.empty()) m.Fail(call, "execWith: the argv is empty");
  const graph::Node* stage = ForceStage(m, a[2], call, "the stage to run on");
  return NetworkStep(m, options, call, [&](const graph::ExecOptions& o) {
    return graph::MakeExecArgv(m.graph(), stage, argv, o, call);
  });
}

Value CopyNode(Machine& m, Thunk* artifact, Thunk* dest, Thunk* stage,
               const graph::CopyOptions& options, SourceRange call) {
  const graph::Node* from = m.ForceNode(artifact, call, "the copied artifact");
  std::string to(m.ForceString(dest, call, "the destination"));
  const graph::Node* into = ForceStage(m, stage, call, "the stage to copy into");
  return Value::Node(graph::MakeCopy(m.graph(), into, from, to, options, call));
}

Value Copy(Machine& m, Thunk* const* a, SourceRange call) {
  return CopyNode(m, a[0], a[1], a[2], {}, call);
}

Value CopyWith(Machine& m, Thunk* const* a, SourceRange call) {
  Options o(m, a[0], call, "copyWith", {"chown", "chmod", "link", "exclude", "extract"});
  graph::CopyOptions options;
  options.chown = o.String("chown");
  options.chmod = o.String("chmod");
  if (options.chmod.find_first_not_of("01234567") != std::string::npos)
    m.Fail(call, "copyWith: chmod must be octal digits, not '" + options.chmod + "'");
  options.link = o.Bool("link", false);
  options.exclude = o.Strings("exclude");
  options.extract = o.Bool("extract", false);
  return CopyNode(m, a[1], a[2], a[3], options, call);
}

Value Fetch(Machine& m, Thunk* const* a, SourceRange call) {
  Options o(m, a[0], call, "fetch", {"url", "sha256"});
  std::string url = o.String("url");
  std::string sha256 = o.String("sha256");
  if (url.empty()) m.Fail(call, "fetch: url is missing or empty");
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    m.Fail(call, "fetch: sha256 must be 64 lowercase hex digits");
  return Value::Node(graph::MakeFetch(m.graph(), url, sha256, call));
}

Value Config(Machine& m, Thunk* stage, SourceRange call, const char* field, nlohmann::json value) {
  const graph::Node* node = ForceStage(m, stage, call, "the configured stage");
  return Value::Node(graph::MakeConfig(m.graph(), node, field, std::move(value), call));
}

nlohmann::json Argv(Machine& m, Thunk* t, SourceRange call) {
  return nlohmann::json(m.ForceStringList(t, call, "the argument list"));
}

std::string Str(Machine& m, Thunk* t, SourceRange call) {
  return std::string(m.ForceString(t, call));
}

Value Workdir(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "workdir", Str(m, a[0], c));
}
Value User(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "user", Str(m, a[0], c));
}
Value Volume(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "volume", Str(m, a[0], c));
}
Value Stopsignal(Machine& m, Thunk* const* a, SourceRange c) {
  std::string signal = Str(m, a[0], c);
  if (!graph::IsStopSignal(signal))
    m.Fail(c, "stopsignal: '" + signal +
                  "' is not a signal (a name such as SIGTERM or TERM, or a number from 1)");
  return Config(m, a[1], c, "stopsignal", signal);
}
Value Entrypoint(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "entrypoint", Argv(m, a[0], c));
}
Value Cmd(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "cmd", Argv(m, a[0], c));
}
Value Shell(Machine& m, Thunk* const* a, SourceRange c) {
  nlohmann::json argv = Argv(m, a[0], c);
  if (argv.empty()) m.Fail(c, "shell: the shell's argv is empty");
  return Config(m, a[1], c, "shell", std::move(argv));
}

Value Env(Machine& m, Thunk* const* a, SourceRange c) {
  std::string name = Str(m, a[0], c);
  if (name.empty() || name.find('=') != std::string::npos)
    m.Fail(c, "env: invalid variable name '" + name + "'");
  return Config(m, a[2], c, "env", nlohmann::json::array({name, Str(m, a[1], c)}));
}

Value Label(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[2], c, "label", nlohmann::json::array({Str(m, a[0], c), Str(m, a[1], c)}));
}

Value Expose(Machine& m, Thunk* const* a, SourceRange c) {
  int64_t port = m.ForceInt(a[0], c, "the port");
  if (port < 1 || port > 65535)
    m.Fail(c, "expose: port " + std::to_string(port) + " is not in 1..65535");
  return Config(m, a[1], c, "expose", std::to_string(port) + "/tcp");
}

Value Healthcheck(Machine& m, Thunk* const* a, SourceRange c) {
  Options o(m, a[0], c, "healthcheck",
            {"test", "interval", "timeout", "startPeriod", "startInterval", "retries"});
  nlohmann::json value = nlohmann::json::object();
  Thunk* test = o.Get("test");
  if (!test) m.Fail(c, "healthcheck: test is missing");
  // A String is a shell command (CMD-SHELL); a List is Docker's exec form ["CMD", ...].
  Value t = m.Force(test);
  if (t.is(ValueKind::kString))
    value["test"] = nlohmann::json::array({"CMD-SHELL", std::string(t.string())});
  else
    value["test"] = Argv(m, test, c);
  for (auto [from, to] :
       {std::pair{"interval", "interval"}, std::pair{"timeout", "timeout"},
        std::pair{"startPeriod", "start_period"}, std::pair{"startInterval", "start_interval"}}) {
    if (!o.Get(from)) continue;
    // Checked here, as the build's config fold would: a malformed one fails at the call.
    std::string duration = o.String(from);
    if (llvm::Expected<int64_t> ns = graph::ParseDuration(duration); !ns)
      m.Fail(c, "healthcheck: " + std::string(from) + ": " + llvm::toString(ns.takeError()));
    value[to] = duration;
  }
  if (Thunk* retries = o.Get("retries")) {
    int64_t count = m.ForceInt(retries, c, "option retries");
    if (count < 0) m.Fail(c, "healthcheck: retries is negative (" + std::to_string(count) + ")");
    value["retries"] = count;
  }
  return Config(m, a[1], c, "healthcheck", std::move(value));
}

// `exposePort "53/udp"`, `exposePort "8000-8010/tcp"`: what `expose` (an Int, tcp) cannot say.
Value ExposePort(Machine& m, Thunk* const* a, SourceRange c) {
  std::string spec = Str(m, a[0], c);
  size_t slash = spec.find('/');
  std::string proto = slash == std::string::npos ? "tcp" : spec.substr(slash + 1);
  std::string ports = spec.substr(0, slash);
  // Each port in 1..65535 and a range in order, as a Dockerfile's EXPOSE requires: podman
  // refuses to make a container of an image exposing anything else.
  size_t dash = ports.find('-');
  std::string low = ports.substr(0, dash);
  std::string high = dash == std::string::npos ? low : ports.substr(dash + 1);
  auto port = [](const std::string& p) -> long {
    if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos)
      return 0;
    long n = std::stol(p);
    return n <= 65535 ? n : 0;
  };
  bool ok = (proto == "tcp" || proto == "udp" || proto == "sctp") && port(low) > 0 &&
            port(high) >= port(low);
  if (!ok) m.Fail(c, "exposePort: expected PORT[-PORT][/tcp|udp|sctp], not '" + spec + "'");
  return Config(m, a[1], c, "expose", ports + "/" + proto);
}

Value Onbuild(Machine& m, Thunk* const* a, SourceRange c) {
  return Config(m, a[1], c, "onbuild", Str(m, a[0], c));
}

Value Minimal(Machine& m, Thunk* const* a, SourceRange c) {
  const graph::Node* stage = ForceStage(m, a[0], c, "the stage to take executables from");
  std::vector<std::string> executables = m.ForceStringList(a[1], c, "the executables");
  if (executables.empty()) m.Fail(c, "minimal: no executables given");
  return Value::Node(graph::MakeMinimal(m.graph(), stage, executables, c));
}

// `text "config.txt" "hello\n"`: one file with literal content, like a Dockerfile heredoc COPY.
Value Text(Machine& m, Thunk* const* a, SourceRange c) {
  std::string name = Str(m, a[0], c);
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\0') != std::string::npos)
    m.Fail(c, "text: the file name must be one path segment, not '" + name + "'");
  return Value::Node(graph::MakeText(m.graph(), name, Str(m, a[1], c), c));
}

// `debian { packages = [ "python3-minimal" ]; }`: a base made from Debian packages. The runtime
// resolves and fetches; a locked request carries its resolution into the node.
Value Debian(Machine& m, Thunk* const* a, SourceRange c) {
  Options o(m, a[0], c, "debian",
            {"suite", "packages", "arch", "mirror", "exclude", "pathExclude"});
  graph::DebianRequest request;
  request.suite = o.String("suite", "bookworm");
  request.arch = o.String("arch", "amd64");
  request.mirror = o.String("mirror");
  if (!o.Get("packages")) m.Fail(c, "debian: packages is missing");
  request.packages = o.Strings("packages");
  if (request.packages.empty()) m.Fail(c, "debian: packages is empty");
  if (o.Get("exclude")) request.exclude = o.Strings("exclude");
  if (o.Get("pathExclude")) request.path_exclude = o.Strings("pathExclude");
  for (const std::string& pattern : request.path_exclude)
    if (pattern.empty() || pattern[0] != '/')
      m.Fail(c, "debian: pathExclude: '" + pattern +
                    "' is not an absolute path pattern (like \"/usr/share/doc/*\")");
  auto plain = [](const std::string& text) {
    return !text.empty() && text.find_first_of(" \t\n/,|()") == std::string::npos;
  };
  if (!plain(request.suite)) m.Fail(c, "debian: '" + request.suite + "' is not a suite name");
  if (!plain(request.arch)) m.Fail(c, "debian: '" + request.arch + "' is not an architecture");
  for (const std::string& package : request.packages)
    if (!plain(package))
      m.Fail(c, "debian: '" + package + "' is not a package name (name or name=version)");
  for (const std::string& package : request.exclude) {
    if (!plain(package) || package.find('=') != std::string::npos)
      m.Fail(c, "debian: exclude: '" + package + "' is not a package name");
    for (const std::string& wanted : request.packages)
      if (llvm::StringRef(wanted).split('=').first == package)
        m.Fail(c, "debian: '" + package + "' is both in packages and in exclude");
  }
  if (!request.mirror.empty() && request.mirror.rfind("http://", 0) != 0 &&
      request.mirror.rfind("https://", 0) != 0)
    m.Fail(c,
           "debian: the mirror must be an http:// or https:// URL, not '" + request.mirror + "'");
  std::string key = graph::DebianLockKey(request.suite, request.arch, request.mirror,
                                         request.packages, request.exclude);
  request.lock = m.lockfile().LookupDebian(key);
  if (request.lock.is_null() && m.lock_policy() == graph::LockPolicy::kLocked)
    m.Report(c,
             "--locked: debian \"" + key + "\" is not pinned by strata.lock (run `strata lock`)");
  return Value::Node(graph::MakeDebian(m.graph(), request, c));
}

const BuiltinDef kStageBuiltins[] = {
    {"scratch", 0, Scratch},
    {"image", 1, Image},
    {"load", 1, Load},
    {"loadTag", 2, LoadTag},
    {"run", 2, Run},
    {"runWith", 3, RunWith},
    {"copy", 3, Copy},
    {"copyWith", 4, CopyWith},
    {"fetch", 1, Fetch},
    {"workdir", 2, Workdir},
    {"env", 3, Env},
    {"user", 2, User},
    {"entrypoint", 2, Entrypoint},
    {"cmd", 2, Cmd},
    {"expose", 2, Expose},
    {"label", 3, Label},
    {"volume", 2, Volume},
    {"healthcheck", 2, Healthcheck},
    {"stopsignal", 2, Stopsignal},
    {"shell", 2, Shell},
    {"minimal", 2, Minimal},
    {"exec", 2, Exec},
    {"execWith", 3, ExecWith},
    {"exposePort", 2, ExposePort},
    {"onbuild", 2, Onbuild},
    {"ignore", 2, Ignore},
    {"dockerfile", 2, DockerfileBuiltin},
    {"text", 2, Text},
    {"debian", 1, Debian},
    {"keepModes", 1, KeepModes},
};

}  // namespace

llvm::ArrayRef<BuiltinDef> StageBuiltins() { return kStageBuiltins; }

}  // namespace strata::eval
