// Node accessors and the hash-consing Graph (keys come from encoding.cpp).
#include "compiler/graph/node.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/Support/Allocator.h>
#include <xxhash.h>

#include <algorithm>
#include <cassert>
#include <memory>
#include <new>
#include <unordered_set>

#include "compiler/support/huge_page_array.h"

namespace llvm {
// Keys are uniformly distributed already, so the low half is a good bucket hash. The two
// reserved keys are all-ones patterns that XXH3 produces with probability 2^-127.
template <>
struct DenseMapInfo<strata::graph::Key> {
  static strata::graph::Key getEmptyKey() { return {~0ULL, ~0ULL}; }
  static strata::graph::Key getTombstoneKey() { return {~0ULL, ~0ULL - 1}; }
  static unsigned getHashValue(const strata::graph::Key& key) {
    return static_cast<unsigned>(key.low ^ (key.low >> 32));
  }
  static bool isEqual(const strata::graph::Key& a, const strata::graph::Key& b) { return a == b; }
};
}  // namespace llvm

namespace strata::graph {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kScratch:
      return "scratch";
    case Op::kPull:
      return "pull";
    case Op::kLoad:
      return "load";
    case Op::kLocal:
      return "local";
    case Op::kFetch:
      return "fetch";
    case Op::kExec:
      return "exec";
    case Op::kCopy:
      return "copy";
    case Op::kConfig:
      return "config";
    case Op::kSelect:
      return "select";
    case Op::kMinimal:
      return "minimal";
    case Op::kText:
      return "text";
    case Op::kDebian:
      return "debian";
  }
  return "unknown";
}

std::string Key::Hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (int i = 0; i < 16; ++i) {
    out[15 - i] = kDigits[(high >> (4 * i)) & 0xf];
    out[31 - i] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return out;
}

const nlohmann::json* Node::Find(std::string_view name) const {
  llvm::ArrayRef<Param> params = this->params();
  auto it = std::lower_bound(params.begin(), params.end(), name,
                             [](const Param& param, std::string_view n) { return param.name < n; });
  if (it == params.end() || it->name != name) return nullptr;
  return &it->value;
}

namespace {

// What Graph::Get hash-conses on: the key, and the unkeyed params when there are any. Two local
// sources with the same content in two folders make the same output (one key), but a builtin that
// reads the host path (the `dockerfile` builtin's default context is the Dockerfile's folder,
// `keepModes` reads modes from disk) must see the folder its own source named, not the first one.
Key IdentityOf(const Key& key, const std::vector<Param>& params) {
  bool unkeyed = false;
  for (const Param& param : params) unkeyed = unkeyed || !param.keyed;
  if (!unkeyed) return key;
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  XXH3_128bits_update(state, &key.high, sizeof key.high);
  XXH3_128bits_update(state, &key.low, sizeof key.low);
  for (const Param& param : params) {
    if (param.keyed) continue;
    std::string text = param.name + '\0' + param.value.dump() + '\0';
    XXH3_128bits_update(state, text.data(), text.size());
  }
  XXH128_hash_t hash = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return Key{hash.high64, hash.low64};
}

}  // namespace

// The nodes without unkeyed params (nearly all), by key: open addressing, linear probing,
// 8-byte slots holding the high 32 bits of the key (the home slot is their top bits) and the
// node's ordinal. At 700,000 nodes a DenseMap<Key, const Node*> was 24 MB of 24-byte buckets
// (48 MB written while it doubled), and the first probe of each Get a cache and TLB miss; this
// table is 8 MB, on huge pages once it is megabytes (support::HugePageArray: a probe of a
// random slot on 4 KiB pages also missed the TLB; Get's own time at 100,000 targets fell by a
// quarter, docs/eval-cache.md "Session 13"). A probe that meets a free slot (every new node)
// and a rehash read no node; a slot whose 32 bits match is confirmed on the node's key.
class NodeTable {
 public:
  explicit NodeTable(const std::vector<Node*>& nodes) : nodes_(nodes) {}

  // The slot of `key`'s node, or the free slot where it would go.
  uint64_t* Probe(const Key& key) {
    uint32_t tag = TagOf(key);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      uint64_t slot = slots_[i];
      if (slot == kFree) return &slots_[i];
      if (static_cast<uint32_t>(slot >> 32) == tag && NodeAt(slot)->key() == key) return &slots_[i];
    }
  }
  const Node* Find(const Key& key) const {
    uint64_t slot = *const_cast<NodeTable*>(this)->Probe(key);
    return slot == kFree ? nullptr : NodeAt(slot);
  }
  const Node* NodeAt(uint64_t slot) const { return nodes_[static_cast<uint32_t>(slot)]; }
  // Fills a free slot from Probe; call Reserve(size() + 1) before that Probe.
  void Fill(uint64_t* slot, const Key& key, uint32_t ordinal) {
    *slot = (uint64_t{TagOf(key)} << 32) | ordinal;
    ++size_;
  }
  size_t size() const { return size_; }
  // Room for `entries` without growing (at most 3/4 full).
  void Reserve(size_t entries) {
    if (entries * 4 <= slots_.size() * 3) return;
    while (entries * 4 > (mask_ + 1) * 3) {
      mask_ = mask_ * 2 + 1;
      ++bits_;
    }
    support::HugePageArray<uint64_t> old(mask_ + 1, kFree);
    old.Swap(slots_);
    for (uint64_t slot : old) {
      if (slot == kFree) continue;
      size_t i = Home(static_cast<uint32_t>(slot >> 32));
      while (slots_[i] != kFree) i = (i + 1) & mask_;
      slots_[i] = slot;
    }
  }
  void Prefetch(const Key& key) const { __builtin_prefetch(&slots_[Home(TagOf(key))]); }

 private:
  // No entry: its ordinal would be 2^32 - 1 (a graph of 4 billion nodes, hundreds of GB).
  static constexpr uint64_t kFree = ~uint64_t{0};
  static uint32_t TagOf(const Key& key) { return static_cast<uint32_t>(key.high >> 32); }
  size_t Home(uint32_t tag) const { return tag >> (32 - bits_); }

  const std::vector<Node*>& nodes_;
  support::HugePageArray<uint64_t> slots_{16, kFree};
  size_t mask_ = 15;
  unsigned bits_ = 4;  // slots_.size() == 1 << bits_ (at most 2^32 slots: 32 GB)
  size_t size_ = 0;
};

struct Graph::Impl {
  // Nodes never move: users hold `const Node*` for the life of the graph. Each node is one
  // block: the node, its params, its inputs (Node::params, Node::inputs).
  llvm::BumpPtrAllocator allocator;
  std::vector<Node*> nodes;  // by ordinal: every node made, twins included
  // A node without unkeyed params (nearly all) is hash-consed by its key, in `plain`, which
  // also answers Lookup for a key whose first node is such a node; by_key holds only the keys
  // whose first node has unkeyed params, and `with_unkeyed` those nodes by IdentityOf.
  NodeTable plain{nodes};
  llvm::DenseMap<Key, const Node*> with_unkeyed;
  llvm::DenseMap<Key, const Node*> by_key;
  size_t keys = 0;                                        // distinct keys made
  llvm::DenseMap<Key, std::vector<const Node*>> unkeyed;  // nodes with unkeyed params, by key

  Node* Make(Op op, const Key& key, std::vector<Param>& params,
             const std::vector<const Node*>& inputs, diag::SourceRange origin);
};

static_assert(sizeof(Node) % alignof(Param) == 0 && alignof(Param) % alignof(const Node*) == 0,
              "a node's params and inputs follow it without padding");

Node::~Node() { std::destroy_n(param_storage(), param_count_); }

Graph::Graph() : impl_(new Impl) {}

Graph::~Graph() {
  for (Node* node : impl_->nodes) node->~Node();  // the allocator frees the blocks
  delete impl_;
}

Node* Graph::Impl::Make(Op op, const Key& key, std::vector<Param>& params,
                        const std::vector<const Node*>& inputs, diag::SourceRange origin) {
  assert(std::adjacent_find(params.begin(), params.end(),
                            [](const Param& a, const Param& b) { return a.name == b.name; }) ==
             params.end() &&
         "duplicate parameter name");
  void* block = allocator.Allocate(
      sizeof(Node) + params.size() * sizeof(Param) + inputs.size() * sizeof(const Node*),
      alignof(Node));
  Node* node = new (block) Node(op, key, static_cast<uint32_t>(params.size()),
                                static_cast<uint32_t>(inputs.size()), origin);
  Param* param_storage = node->param_storage();
  std::uninitialized_move(params.begin(), params.end(), param_storage);
  std::uninitialized_copy(inputs.begin(), inputs.end(),
                          reinterpret_cast<const Node**>(param_storage + params.size()));
  node->ordinal_ = static_cast<uint32_t>(nodes.size());
  nodes.push_back(node);
  return node;
}

const Node* Graph::Get(Op op, std::vector<Param> params, std::vector<const Node*> inputs,
                       diag::SourceRange origin) {
  Key key = ComputeKey(op, params, inputs);
  // Checked first: stable_sort allocates a buffer even for a sorted range, and the params of
  // most nodes (all of the evaluation cache's) come sorted.
  auto by_name = [](const Param& a, const Param& b) { return a.name < b.name; };
  if (!std::is_sorted(params.begin(), params.end(), by_name))
    std::stable_sort(params.begin(), params.end(), by_name);
  Impl& g = *impl_;
  bool has_unkeyed =
      std::any_of(params.begin(), params.end(), [](const Param& param) { return !param.keyed; });
  if (!has_unkeyed) {
    g.plain.Reserve(g.plain.size() + 1);
    uint64_t* slot = g.plain.Probe(key);
    if (*slot != ~uint64_t{0}) {
      const Node* existing = g.plain.NodeAt(*slot);
      assert(existing->op() == op && "two ops share a key");
      return existing;
    }
    Node* node = g.Make(op, key, params, inputs, origin);
    g.plain.Fill(slot, key, node->ordinal_);
    if (auto first = g.by_key.find(key); first != g.by_key.end()) {
      // A node with unkeyed params came first. (The const_casts: every node here was made
      // non-const by this graph.)
      node->shares_key_ = true;
      for (const Node* twin : g.unkeyed[key]) const_cast<Node*>(twin)->shares_key_ = true;
    } else {
      ++g.keys;
    }
    return node;
  }
  auto [it, inserted] = g.with_unkeyed.try_emplace(IdentityOf(key, params), nullptr);
  if (!inserted) {
    // The first node made with this key and host paths wins; only the origin can differ.
    assert(it->second->op() == op && "two ops share a key");
    return it->second;
  }
  Node* node = g.Make(op, key, params, inputs, origin);
  it->second = node;
  if (const Node* first = g.plain.Find(key)) {
    node->shares_key_ = true;
    const_cast<Node*>(first)->shares_key_ = true;
  } else if (g.by_key.try_emplace(key, node).second) {
    ++g.keys;
  }
  std::vector<const Node*>& twins = g.unkeyed[key];
  for (const Node* twin : twins) const_cast<Node*>(twin)->shares_key_ = true;
  if (!twins.empty()) node->shares_key_ = true;
  twins.push_back(node);
  return node;
}

const Node* Graph::Lookup(const Key& key) const {
  auto it = impl_->by_key.find(key);
  if (it != impl_->by_key.end()) return it->second;
  return impl_->plain.Find(key);
}

llvm::ArrayRef<const Node*> Graph::WithUnkeyedParams(const Key& key) const {
  auto it = impl_->unkeyed.find(key);
  if (it == impl_->unkeyed.end()) return {};
  return it->second;
}

size_t Graph::size() const { return impl_->keys; }

size_t Graph::nodes_made() const { return impl_->nodes.size(); }

void Graph::Prefetch(const Key& key) const { impl_->plain.Prefetch(key); }

void Graph::Reserve(size_t nodes) {
  impl_->nodes.reserve(impl_->nodes.size() + nodes);
  impl_->plain.Reserve(impl_->plain.size() + nodes);
}

std::vector<const Node*> ReachableNodes(llvm::ArrayRef<const Node*> roots) {
  std::vector<const Node*> found;
  std::unordered_set<const Node*> seen;
  for (std::vector<const Node*> work(roots.begin(), roots.end()); !work.empty();) {
    const Node* node = work.back();
    work.pop_back();
    if (!seen.insert(node).second) continue;
    for (const Node* input : node->inputs()) work.push_back(input);
    found.push_back(node);
  }
  return found;
}

}  // namespace strata::graph
