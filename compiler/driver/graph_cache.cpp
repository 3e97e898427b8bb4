// The evaluation cache: entries named by a program's quick inputs, checked against the rest of
// its inputs and against their own node keys on every lookup.
//
// An entry is kMagic, then the payload's length, the node count, the offset of the local
// sources in the payload and a check (XXH3-64 over those three and the payload's XXH3-64), then
// the payload: the name text (compared whole: a file name is only a hash of it), the module and
// lock files with their content hashes, the nodes in an order where inputs come first (op, key,
// params, input indices), the roots and is_node, and last the local sources with their digests
// (found while the nodes are written, which streams them to the file). Integers are
// little-endian; an entry is only read by the binary that wrote it (its stamp is in the name).
#include "compiler/driver/graph_cache.h"

#include <llvm/Support/MemoryBuffer.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include "compiler/driver/entry_codec.h"
#include "compiler/graph/local_manifest.h"
#include "compiler/graph/local_source.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/binary_stamp.h"
#include "compiler/support/errno_error.h"
#include "compiler/support/heap_region.h"
#include "compiler/syntax/source_paths.h"
#include "compiler/syntax/workspace_root.h"

namespace strata::driver {
namespace {

// Bump when an entry's encoding or meaning changes.
constexpr char kMagic[16] = "strata-graph-1\n";
// magic, payload length, node count, the locals' offset in the payload, check.
constexpr size_t kHeaderBytes = sizeof kMagic + 4 * 8;
// From this entry size on (a program of ~4,000 targets), its heap is populated ahead on another
// core (support/heap_region.h).
constexpr size_t kPopulateHeapForEntryBytes = size_t{2} << 20;

// The header's check: its three fields and the payload's XXH3-64, hashed together.
uint64_t Check(const char* fields, uint64_t payload_digest) {
  char bytes[32];
  std::memcpy(bytes, fields, 24);
  std::memcpy(bytes + 24, &payload_digest, 8);
  return XXH3_64bits(bytes, sizeof bytes);
}

// The entry's name text: every input that is not checked by content.
std::string NameText(const GraphCacheQuery& query) {
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
  std::string text = std::string(kMagic) + support::BinaryStamp() + '\0' + cwd + '\0' +
                     query.entry_file + '\0' + query.workspace_root + '\0' +
                     std::to_string(query.lock_policy) + '\0';
  for (const std::string& arg : query.args) text += "arg " + arg + '\0';
  for (const std::string& part : query.target) text += "target " + part + '\0';
  return text;
}

struct LocalInput {
  std::string path;
  std::vector<std::string> exclude;
  std::string exclude_base;
  bool keep_modes = false;
  std::string digest;
  bool operator<(const LocalInput& o) const {
    return std::tie(path, exclude, exclude_base, keep_modes, digest) <
           std::tie(o.path, o.exclude, o.exclude_base, o.keep_modes, o.digest);
  }
};

// The local source a kLocal node was hashed from (ops.cpp MakeLocal); nullopt when malformed.
std::optional<LocalInput> LocalInputOf(const graph::Node* node) {
  const nlohmann::json* path = node->Find("path");
  const nlohmann::json* digest = node->Find("digest");
  if (!path || !path->is_string() || !digest || !digest->is_string()) return std::nullopt;
  LocalInput local{path->get<std::string>(), {}, "", false, digest->get<std::string>()};
  if (const nlohmann::json* exclude = node->Find("exclude")) {
    if (!exclude->is_array()) return std::nullopt;
    for (const nlohmann::json& pattern : *exclude) {
      if (!pattern.is_string()) return std::nullopt;
      local.exclude.push_back(pattern.get<std::string>());
    }
  }
  if (const nlohmann::json* base = node->Find("exclude_base"); base && base->is_string())
    local.exclude_base = base->get<std::string>();
  const nlohmann::json* modes = node->Find("modes");
  local.keep_modes = modes && *modes == "keep";
  return local;
}

// How many manifest entries the locals' walks reach (a directory lists what its walk saw).
size_t CoveredEntries(const graph::LocalManifest& manifest, const std::set<LocalInput>& locals) {
  std::set<std::string> seen;
  std::vector<std::string> work;
  for (const LocalInput& local : locals) work.push_back(local.path);
  while (!work.empty()) {
    std::string path = std::move(work.back());
    work.pop_back();
    std::optional<graph::LocalEntry> entry = manifest.Find(path);
    if (!entry || !seen.insert(path).second) continue;
    for (const std::string& name : entry->names) work.push_back(path + "/" + name);
  }
  return seen.size();
}

}  // namespace

GraphCache::GraphCache(std::string dir, graph::LocalSourceHasher& hasher)
    : dir_(support::BinaryStamp().empty() ? std::string() : std::move(dir)), hasher_(hasher) {}

std::string GraphCache::EntryPath(const GraphCacheQuery& query) const {
  return dir_ + "/" + graph::ContentHashHex(NameText(query));
}

std::optional<GraphCacheAnswer> GraphCache::Lookup(const GraphCacheQuery& query,
                                                   graph::Graph& graph) {
  if (!enabled()) return std::nullopt;
  std::string name = NameText(query);
  // Mapped, not read: at 100,000 targets an entry is 47 MB, which read into the heap was first
  // zeroed by the kernel and then copied. An entry is only ever replaced by a rename, never
  // written in place, so the mapped file does not change under the reader.
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file = llvm::MemoryBuffer::getFile(
      dir_ + "/" + graph::ContentHashHex(name), /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) return std::nullopt;
  std::string_view data = (*file)->getBuffer();
  // The graph rebuilt from an entry takes ~4 times its size of heap.
  if (data.size() >= kPopulateHeapForEntryBytes) support::StartHeapPopulator();
  if (data.size() < kHeaderBytes || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  const char* fields = data.data() + sizeof kMagic;
  std::string_view payload = data.substr(kHeaderBytes);
  uint64_t node_count = GetU64(fields + 8), locals_at = GetU64(fields + 16);
  if (GetU64(fields) != payload.size() || locals_at > payload.size() ||
      GetU64(fields + 24) != Check(fields, XXH3_64bits(payload.data(), payload.size())))
    return std::nullopt;

  EntryReader in(payload.substr(0, locals_at));
  if (in.String() != name) return std::nullopt;
  // Every input first, before any node is made: a stale entry leaves the graph untouched.
  for (uint32_t i = 0, n = in.Count(5); i < n; ++i) {
    std::string path(in.String());
    bool present = in.U8() != 0;
    std::string_view hash = present ? in.String() : std::string_view();
    if (in.bad()) return std::nullopt;
    std::optional<std::string> now = hasher_.FileContentHash(path);
    if (now.has_value() != present || (present && *now != hash)) return std::nullopt;
  }
  EntryReader locals(payload.substr(locals_at));
  for (uint32_t i = 0, n = locals.Count(14); i < n; ++i) {
    LocalInput local;
    local.path = locals.String();
    for (uint32_t j = 0, m = locals.Count(4); j < m; ++j)
      local.exclude.emplace_back(locals.String());
    local.exclude_base = locals.String();
    local.keep_modes = locals.U8() != 0;
    local.digest = locals.String();
    if (locals.bad()) return std::nullopt;
    graph::LocalSourceHasher::Result hash =
        hasher_.Hash(local.path, local.exclude, local.exclude_base, local.keep_modes);
    if (!hash.error.empty() || hash.digest != local.digest) return std::nullopt;
  }
  if (locals.bad() || !locals.at_end() || node_count > payload.size() / 25) return std::nullopt;

  std::vector<const graph::Node*> nodes;
  nodes.reserve(node_count);
  graph.Reserve(node_count);  // one table of the right size instead of ~20 rehashes
  for (uint64_t i = 0; i < node_count; ++i) {
    uint8_t op = in.U8();
    graph::Key key{in.U64(), in.U64()};
    graph.Prefetch(key);  // while the params decode and the key is recomputed
    std::vector<graph::Param> params(in.Count(6));
    for (size_t p = 0; p < params.size() && !in.bad(); ++p) {
      params[p].name = in.String();
      params[p].keyed = in.U8() != 0;
      params[p].value = GetJson(in);
      // Graph::Get needs unique names; a node's params are stored sorted.
      if (p > 0 && !(params[p - 1].name < params[p].name)) return std::nullopt;
    }
    std::vector<const graph::Node*> inputs(in.Count(4));
    for (const graph::Node*& input : inputs) {
      uint32_t index = in.U32();
      if (index >= nodes.size()) return std::nullopt;
      input = nodes[index];
    }
    if (in.bad() || op > static_cast<uint8_t>(graph::Op::kDebian)) return std::nullopt;
    const graph::Node* node =
        graph.Get(static_cast<graph::Op>(op), std::move(params), std::move(inputs));
    if (node->key() != key) return std::nullopt;  // another encoding: never trusted
    nodes.push_back(node);
  }
  GraphCacheAnswer answer;
  for (uint32_t i = 0, n = in.Count(4); i < n; ++i) {
    uint32_t index = in.U32();
    if (index >= nodes.size()) return std::nullopt;
    answer.roots.push_back(nodes[index]);
  }
  answer.is_node = in.U8() != 0;
  if (in.bad() || !in.at_end()) return std::nullopt;
  return answer;
}

namespace {

// Writes an entry's payload to `fd` through a small buffer, hashing it on the way: at 100,000
// targets an entry is ~47 MB, which held in memory beside the evaluation made the cold run's
// peak 1.2x Nix's.
class EntryWriter {
 public:
  EntryWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
    XXH3_64bits_reset(state_.get());
  }
  std::string& buf() { return buf_; }
  uint64_t size() const { return written_ + buf_.size(); }
  llvm::Error MaybeFlush() { return buf_.size() >= (1 << 16) ? Flush() : llvm::Error::success(); }
  llvm::Error Flush() {
    XXH3_64bits_update(state_.get(), buf_.data(), buf_.size());
    written_ += buf_.size();
    llvm::Error error = support::WriteAll(fd_, buf_.data(), buf_.size(), path_);
    buf_.clear();
    return error;
  }
  uint64_t Digest() { return XXH3_64bits_digest(state_.get()); }

 private:
  struct FreeState {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  int fd_;
  std::string path_;
  std::string buf_;
  uint64_t written_ = 0;
  std::unique_ptr<XXH3_state_t, FreeState> state_{XXH3_createState()};
};

// Why an entry was left unwritten (not an error: the cache is an optimisation).
llvm::Error Skip() { return llvm::createStringError(std::errc::operation_canceled, "skipped"); }

// Whether two folder names (absolute or relative to the working directory) are one folder.
bool SameFolder(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code error;
  auto normal = [&](const std::string& name) {
    std::string text = fs::absolute(name.empty() ? "." : name, error).lexically_normal().string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    return text;
  };
  return normal(a) == normal(b);
}

}  // namespace

void GraphCache::Store(const GraphCacheQuery& query, const GraphCacheAnswer& answer,
                       const graph::Graph& graph, const UntrackedFn& untracked) {
  if (!enabled()) return;
  std::string name = NameText(query);
  std::string path = dir_ + "/" + graph::ContentHashHex(name);
  auto write = [&](int fd) -> llvm::Error {
    std::string header(kHeaderBytes, '\0');
    if (llvm::Error error = support::WriteAll(fd, header.data(), header.size(), path)) return error;
    EntryWriter out(fd, path);
    std::string& buf = out.buf();
    PutString(buf, name);
    PutU32(buf, static_cast<uint32_t>(answer.module_files.size() + answer.lock_files.size()));
    for (const auto& [file, parsed] : answer.module_files) {
      // The file must still hold the text the evaluation parsed: an edit during the
      // evaluation would otherwise be recorded by its new text beside the old text's graph.
      std::optional<std::string> hash = hasher_.FileContentHash(file);
      if (!hash || (!parsed.empty() && *hash != parsed)) return Skip();
      PutString(buf, file);
      buf.push_back(1);
      PutString(buf, *hash);
    }
    for (const auto& [file, before] : answer.lock_files) {
      std::optional<std::string> hash = hasher_.FileContentHash(file);
      if (hash != before) return Skip();  // changed while the evaluation read it
      PutString(buf, file);
      buf.push_back(hash ? 1 : 0);
      if (hash) PutString(buf, *hash);
    }

    // The nodes by pointer (two local sources of one content are two nodes), inputs first,
    // and on the way the local sources they hold.
    // Each node's index in the entry, by its ordinal in the graph (kUnwritten: not yet
    // written): a map by pointer was most of writing a 700,000-node entry, in its rehashes
    // and cache misses.
    constexpr uint32_t kUnwritten = ~uint32_t{0};
    std::vector<uint32_t> index(graph.nodes_made(), kUnwritten);
    uint32_t written = 0;
    auto index_of = [&](const graph::Node* node) -> uint32_t& { return index[node->ordinal()]; };
    for (const graph::Node* root : answer.roots)
      if (root->ordinal() >= index.size()) return Skip();  // not made by `graph`
    std::set<LocalInput> locals;
    std::vector<std::pair<const graph::Node*, size_t>> stack;
    for (const graph::Node* root : answer.roots) {
      if (index_of(root) != kUnwritten) continue;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < node->inputs().size()) {
          const graph::Node* input = node->inputs()[next++];
          if (index_of(input) == kUnwritten) stack.push_back({input, 0});
          continue;
        }
        if (index_of(node) == kUnwritten) {
          if (untracked && untracked(node)) return Skip();
          if (node->op() == graph::Op::kLocal) {
            // A node built on this source is hash-consed by key, so it may hold another
            // folder's source of the same content: every folder that made one is an input.
            for (const graph::Node* local : graph.WithUnkeyedParams(node->key())) {
              std::optional<LocalInput> input = LocalInputOf(local);
              if (!input) return Skip();  // an input this cache does not know how to check
              locals.insert(std::move(*input));
            }
          }
          buf.push_back(static_cast<char>(node->op()));
          PutU64(buf, node->key().high);
          PutU64(buf, node->key().low);
          PutU32(buf, static_cast<uint32_t>(node->params().size()));
          for (const graph::Param& param : node->params()) {
            PutString(buf, param.name);
            buf.push_back(param.keyed ? 1 : 0);
            if (!PutJson(buf, param.value)) return Skip();
          }
          PutU32(buf, static_cast<uint32_t>(node->inputs().size()));
          for (const graph::Node* input : node->inputs()) PutU32(buf, index_of(input));
          index_of(node) = written++;
          if (llvm::Error error = out.MaybeFlush()) return error;
        }
        stack.pop_back();
      }
    }
    PutU32(buf, static_cast<uint32_t>(answer.roots.size()));
    for (const graph::Node* root : answer.roots) PutU32(buf, index_of(root));
    buf.push_back(answer.is_node ? 1 : 0);

    // The evaluation may have hashed a source that no target holds (`./a == ./b` decides a
    // branch): then the hasher's manifest holds entries the locals above do not reach, and
    // the answer is not stored.
    if (CoveredEntries(hasher_.manifest(), locals) != hasher_.manifest().size()) return Skip();
    uint64_t locals_at = out.size();
    PutU32(buf, static_cast<uint32_t>(locals.size()));
    for (const LocalInput& local : locals) {
      PutString(buf, local.path);
      PutU32(buf, static_cast<uint32_t>(local.exclude.size()));
      for (const std::string& pattern : local.exclude) PutString(buf, pattern);
      PutString(buf, local.exclude_base);
      buf.push_back(local.keep_modes ? 1 : 0);
      PutString(buf, local.digest);
    }
    if (llvm::Error error = out.Flush()) return error;

    std::string fields;
    PutU64(fields, out.size());
    PutU64(fields, written);
    PutU64(fields, locals_at);
    PutU64(fields, Check(fields.data(), out.Digest()));
    header.replace(sizeof kMagic, fields.size(), fields);
    std::memcpy(header.data(), kMagic, sizeof kMagic);
    if (::pwrite(fd, header.data(), header.size(), 0) != static_cast<ssize_t>(header.size()))
      return support::MakeError(std::errc::io_error, "cannot write " + path);
    return llvm::Error::success();
  };
  if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) return;
  support::AtomicWriteOptions options;
  options.durable = false;  // a torn entry fails its checksum and is rewritten
  llvm::consumeError(support::WriteFileAtomicWith(path, write, options));
}

bool RunTargetsCached(Frontend& frontend, GraphCache& cache, graph::LockPolicy lock_policy,
                      const ProgramInput& input, const std::vector<std::string>& target,
                      std::vector<const graph::Node*>& nodes, bool* is_node) {
  if (!cache.enabled())
    return frontend.Run(input) && frontend.CollectTargets(target, nodes, is_node);
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path entry = fs::absolute(input.file, error);
  if (fs::is_directory(entry, error)) entry /= "build.strata";
  GraphCacheQuery query;
  query.entry_file = entry.lexically_normal().string();
  query.workspace_root =
      syntax::FindWorkspaceRoot(syntax::BaseDirectory(query.entry_file)).value_or("");
  query.args = input.args;
  query.target = target;
  query.lock_policy = static_cast<int>(lock_policy);
  if (std::optional<GraphCacheAnswer> answer = cache.Lookup(query, frontend.graph())) {
    nodes.insert(nodes.end(), answer->roots.begin(), answer->roots.end());
    if (is_node) *is_node = answer->is_node;
    return true;
  }
  // Both places Frontend::Load looks for strata.lock, and strata.workspace (it may name a
  // vendored stdlib, whose files are module files), present or not, as they are before the
  // evaluation reads them.
  std::map<std::string, std::optional<std::string>> lock_files;
  std::string root = query.workspace_root;
  for (const std::string& file :
       {graph::LockfilePathFor(query.entry_file), root.empty() ? root : root + "/strata.lock",
        root.empty() ? root : root + "/strata.workspace"})
    if (!file.empty()) lock_files[file] = frontend.hasher().FileContentHash(file);
  size_t first = nodes.size();
  bool node = false;
  if (!frontend.Run(input) || !frontend.CollectTargets(target, nodes, &node)) return false;
  if (is_node) *is_node = node;
  // A warning would not be printed again from the cache.
  if (!frontend.diags().diagnostics().empty()) return true;
  // `import //dir` resolves against the workspace root found above the first module that has
  // such an import. The entry records the root found above the entry file only: when another
  // folder's search decided it, a strata.workspace added between that folder and the root
  // would change the answer unseen, so such a run is not stored.
  const std::string& found_from = frontend.WorkspaceRootFoundFrom();
  if (!found_from.empty() && !SameFolder(found_from, syntax::BaseDirectory(query.entry_file)))
    return true;
  GraphCacheAnswer answer;
  answer.roots.assign(nodes.begin() + static_cast<std::ptrdiff_t>(first), nodes.end());
  answer.is_node = node;
  // Every file module (imports are absolute paths; the entry may be relative, and is then
  // checked as it is now beside its module's parsed text) and the lock files.
  answer.module_files = frontend.ModuleFiles(frontend.entry_path());
  answer.module_files.emplace(query.entry_file, "");
  answer.lock_files = std::move(lock_files);
  // A Dockerfile's lowering reads inputs (its text, .dockerignore, base image configs) this
  // cache does not track.
  cache.Store(query, answer, frontend.graph(),
              [&](const graph::Node* node) { return frontend.DockerfileFiles(node) != nullptr; });
  return true;
}

}  // namespace strata::driver
