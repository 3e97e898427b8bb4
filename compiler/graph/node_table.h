// The graph's hash-consing table of nodes by key (Graph::Get, Graph::Lookup); internal to
// node.cpp and its unit test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "compiler/graph/node.h"
#include "compiler/support/huge_page_array.h"

namespace strata::graph {

// The nodes without unkeyed params (nearly all), by key: open addressing, linear probing, a
// slot per entry in two arrays. `slots_`: 8 bytes, the high 32 bits of the key (the home slot
// is their top bits) and the node's ordinal. `controls_`: a byte, kFree or 0x80 | the low 7 of
// those 32 bits. A probe walks the control bytes and reads a slot only where its byte matches
// (the key's own node, or 1 in 128 others), and the node only where the slot's 32 bits do.
// Why two arrays: a new node (most of Get's calls) cost a cache and TLB miss on its home slot
// (8 MB of slots at 700,000 nodes: 84 % of Get's own time at 100,000 targets); the control
// bytes are 1 MB there, so the probe still misses the core's cache but less far, and the new
// node's slot is written, not read (a store does not stall the probe). Get's own time at
// 100,000 targets fell by half (docs/eval-cache.md, "Session 13"). The slots are on huge pages
// once they are megabytes (support::HugePageArray), as are the bytes. A rehash reads no node.
class NodeTable {
 public:
  explicit NodeTable(const std::vector<Node*>& nodes) : nodes_(nodes) {}

  // The index of `key`'s slot, or of the free slot where it would go.
  size_t Probe(const Key& key) const {
    uint32_t tag = TagOf(key);
    uint8_t control = ControlOf(tag);
    for (size_t i = Home(tag);; i = (i + 1) & mask_) {
      uint8_t here = controls_[i];
      if (here == kFree) return i;
      if (here == control && static_cast<uint32_t>(slots_[i] >> 32) == tag &&
          NodeIn(i)->key() == key)
        return i;
    }
  }
  bool IsFree(size_t i) const { return controls_[i] == kFree; }
  const Node* NodeIn(size_t i) const { return nodes_[static_cast<uint32_t>(slots_[i])]; }
  const Node* Find(const Key& key) const {
    size_t i = Probe(key);
    return IsFree(i) ? nullptr : NodeIn(i);
  }
  // Fills free slot `i` from Probe; call Reserve(size() + 1) before that Probe.
  void Fill(size_t i, const Key& key, uint32_t ordinal) {
    uint32_t tag = TagOf(key);
    controls_[i] = ControlOf(tag);
    slots_[i] = (uint64_t{tag} << 32) | ordinal;
    ++size_;
  }
  size_t size() const { return size_; }
  // Room for `entries` without growing (at most 3/4 full).
  void Reserve(size_t entries) {
    if (entries * 4 <= (mask_ + 1) * 3) return;
    while (entries * 4 > (mask_ + 1) * 3) {
      mask_ = mask_ * 2 + 1;
      ++bits_;
    }
    support::HugePageArray<uint64_t> old_slots(mask_ + 1, 0);
    support::HugePageArray<uint8_t> old_controls(mask_ + 1, kFree);
    old_slots.Swap(slots_);
    old_controls.Swap(controls_);
    for (size_t j = 0; j < old_slots.size(); ++j) {
      if (old_controls[j] == kFree) continue;
      uint64_t slot = old_slots[j];
      size_t i = Home(static_cast<uint32_t>(slot >> 32));
      while (controls_[i] != kFree) i = (i + 1) & mask_;
      controls_[i] = old_controls[j];
      slots_[i] = slot;
    }
  }
  // Brings `key`'s home control byte into the cache ahead of a Probe.
  void Prefetch(const Key& key) const { __builtin_prefetch(&controls_[Home(TagOf(key))]); }

 private:
  static constexpr uint8_t kFree = 0;
  static uint32_t TagOf(const Key& key) { return static_cast<uint32_t>(key.high >> 32); }
  // From the tag's low bits, the home from its high bits: apart up to 2^25 slots (a graph of
  // 25 million nodes); beyond, more slots share a byte and only a probe's speed changes.
  static uint8_t ControlOf(uint32_t tag) { return static_cast<uint8_t>(0x80 | (tag & 0x7f)); }
  size_t Home(uint32_t tag) const { return tag >> (32 - bits_); }

  const std::vector<Node*>& nodes_;
  support::HugePageArray<uint64_t> slots_{16, 0};
  support::HugePageArray<uint8_t> controls_{16, kFree};
  size_t mask_ = 15;
  unsigned bits_ = 4;  // (mask_ + 1) == 1 << bits_ (at most 2^32 slots: 36 GB)
  size_t size_ = 0;
};

}  // namespace strata::graph
